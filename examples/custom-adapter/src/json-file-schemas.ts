import { z } from 'zod';

export const jsonFileConnectionSchema = z
  .object({
    file: z.string().min(1).describe('Path of the JSON document that plays the device'),
    timeoutMs: z
      .number()
      .int()
      .min(1)
      .max(60_000)
      .default(1000)
      .describe('Give up reading or writing after this long'),
  })
  .strict();

export type JsonFileConnection = z.infer<typeof jsonFileConnectionSchema>;

export const jsonFilePointSchema = z
  .object({
    key: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'a dotted key such as "boiler.temperature"')
      .describe('Dotted path of the value inside the JSON document'),
    type: z.enum(['number', 'integer', 'boolean', 'string']).describe('JSON type of the value'),
    min: z.number().optional().describe('Smallest value a write may set (numbers)'),
    max: z.number().optional().describe('Largest value a write may set (numbers)'),
  })
  .strict();

export type JsonFilePoint = z.infer<typeof jsonFilePointSchema>;
