import { devicePointSpecs, escapeControlCharacters } from '@lwm2m-adapters/mapping';
import type { CommandOutput } from '../cli/command-output.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { compileMappingFile } from '../mapping-loader.js';
import { adviceLines, devicePlan, mappingAdvice } from '../technician/mapping-advice.js';
import { reportMappingFailure } from './mapping-failure.js';

/** `adapter-host plan plc.yml`: how each device will be read (requests per poll cycle and their ranges). */
export async function planCommand(
  file: string,
  out: CommandOutput,
  options: { json: boolean; env: Readonly<Record<string, string | undefined>> },
): Promise<ExitCodeValue> {
  const { result, adapters } = await compileMappingFile(file, options.env);
  if (!result.ok) return reportMappingFailure(file, result, out);
  const plans = result.mapping.devices.map((device) => {
    const plan = devicePlan(device, adapters.get(device.adapter.name));
    return { device: device.id, adapter: device.adapter.name, points: devicePointSpecs(device).length, plan };
  });
  const hints = mappingAdvice(result.mapping, adapters);
  if (options.json) {
    out.stdout(JSON.stringify(plans, null, 2));
    return ExitCode.OK;
  }
  let total = 0;
  const lines: string[] = [];
  for (const p of plans) {
    const requests = p.plan?.requestsPerCycle ?? p.points;
    total += requests;
    lines.push(`${p.device} (${p.adapter}): ${p.points} points, ${requests} requests per poll cycle`);
    for (const line of p.plan?.lines ?? ['(this adapter prints no plan: one read per point)'])
      lines.push(`  ${line}`);
  }
  lines.push(`total: ${plans.length} devices, ${total} requests per poll cycle`);
  if (hints.length > 0) lines.push('', ...adviceLines(hints));
  out.stdout(escapeControlCharacters(lines.join('\n'), { keepLineBreaks: true }));
  return ExitCode.OK;
}
