import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.bootstrap.BootstrapConsistencyChecker;
import org.eclipse.leshan.client.bootstrap.BootstrapHandler;
import org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.client.californium.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.client.californium.endpoint.coaps.CoapsClientProtocolProvider;
import org.eclipse.leshan.client.endpoint.LwM2mClientEndpointsProvider;
import org.eclipse.leshan.client.engine.DefaultRegistrationEngineFactory;
import org.eclipse.leshan.client.engine.RegistrationEngine;
import org.eclipse.leshan.client.engine.RegistrationEngineFactory;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.observer.LwM2mClientObserverAdapter;
import org.eclipse.leshan.client.request.DownlinkRequestReceiver;
import org.eclipse.leshan.client.resource.BaseInstanceEnablerFactory;
import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;
import org.eclipse.leshan.client.resource.LwM2mObjectTree;
import org.eclipse.leshan.client.resource.LwM2mRootEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.send.DataSender;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.client.util.LinkFormatHelper;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.link.LinkSerializer;
import org.eclipse.leshan.core.link.lwm2m.attributes.LwM2mAttributeParser;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.codec.LwM2mDecoder;
import org.eclipse.leshan.core.node.codec.LwM2mEncoder;
import org.eclipse.leshan.core.request.DeregisterRequest;
import org.eclipse.leshan.core.request.RegisterRequest;
import org.eclipse.leshan.core.request.UpdateRequest;
import org.eclipse.leshan.core.util.datatype.ULong;

/**
 * A real third-party LwM2M 1.1 client (Eclipse Leshan client library 2.0.0-M15 on Californium 3.12)
 * for the server-side interop tests, driven over stdio.
 *
 *   java -cp '<client-lib>/*:<classes>' LeshanClientHarness --server-uri coap://127.0.0.1:5683
 *        --endpoint ep [--lifetime 300] [--short-server-id 123] [--models <OMA registry dir>]
 *        [--psk-identity id --psk-key <hex>] [--local-address 127.0.0.1] [--request-timeout-ms 10000]
 *        [--manufacturer m --model m --serial s --firmware f]
 *
 * Objects: Security /0/0 (NoSec, or PSK with --psk-identity/--psk-key and a coaps:// URI), Server
 * /1/0, Device /3/0 (0-3 strings, 4 Reboot, 9 battery, 11 error codes, 13 Current Time, 16 "U"),
 * Temperature /3303/0 (5700 value, 5601/5602 min/max measured, 5603/5604 range, 5605 reset min/max,
 * 5701 "Cel", 5750) and Light Control /3311/0 (5850 on/off, 5851 dimmer, 5852 on time, 5706
 * colour, 5701 units, 5750). 3303 and 3311 models come from --models (3303.xml, 3311.xml), the core
 * ones from Leshan. Content formats are Leshan's defaults.
 *
 * stdout carries one JSON object per line, nothing else (Leshan logs to stderr):
 *   {"event":"ready"}                                        objects built, client not started
 *   {"event":"registered","registrationId":..,"serverUri":..}
 *   {"event":"updated"} / {"event":"deregistered"}
 *   {"event":"registrationFailed","operation":"register"|"update"|"deregister","code":"4.03"|null,"message":..}
 *   {"event":"request","operation":"read"|"write"|"execute"|"observe"|..,"path":..,"contentFormat":N|null,"code":"2.05",..}
 *   {"event":"executed","path":"/3/0/4","arguments":".."}   an executable resource ran (4 = Reboot)
 *   {"event":"error","message":..}
 *   {"id":N,"ok":true,"result":..} / {"id":N,"ok":false,"error":".."}   replies to commands
 * stdin takes one command per line, {"id":N,"cmd":..}: start (register), stop (de-register and stop),
 * update (Registration Update now), set {path, value} (a new value, observers notified), get {path},
 * destroy (de-register, then exit). The process exits when stdin closes (without de-registering).
 */
public final class LeshanClientHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  private final Map<String, HarnessInstance> instances = new LinkedHashMap<>();
  private LeshanClient client;

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) options.put(args[i], args[i + 1]);
    LeshanClientHarness harness = new LeshanClientHarness();
    try {
      harness.build(options);
    } catch (Exception e) {
      emit(event("error").put("message", "could not build the client: " + e));
      throw e;
    }
    emit(event("ready"));
    harness.serve();
  }

  private static ObjectNode event(String name) {
    return JSON.createObjectNode().put("event", name);
  }

  private static synchronized void emit(JsonNode line) {
    OUT.println(line.toString());
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) throw new IllegalArgumentException("missing option " + name);
    return value;
  }

  private void build(Map<String, String> options) throws Exception {
    String serverUri = required(options, "--server-uri");
    String endpoint = required(options, "--endpoint");
    long lifetime = Long.parseLong(options.getOrDefault("--lifetime", "300"));
    int shortServerId = Integer.parseInt(options.getOrDefault("--short-server-id", "123"));

    ObjectsInitializer initializer = new ObjectsInitializer(new StaticModel(models(options.get("--models"))));
    String pskIdentity = options.get("--psk-identity");
    if (pskIdentity != null) {
      byte[] key = HexFormat.of().parseHex(required(options, "--psk-key"));
      initializer.setInstancesForObject(0,
          Security.psk(serverUri, shortServerId, pskIdentity.getBytes(StandardCharsets.UTF_8), key));
    } else {
      initializer.setInstancesForObject(0, Security.noSec(serverUri, shortServerId));
    }
    initializer.setInstancesForObject(1, new Server(shortServerId, lifetime));
    initializer.setInstancesForObject(3, add("/3/0", device(options)));
    initializer.setInstancesForObject(3303, add("/3303/0", temperature()));
    initializer.setInstancesForObject(3311, add("/3311/0", lightControl()));
    // A Create on these objects makes an empty instance (Leshan needs a factory for the objects).
    for (int objectId : new int[] {3, 3303, 3311}) {
      initializer.setFactoryForObject(objectId, (model, id, used) ->
          new HarnessInstance(id != null ? id : BaseInstanceEnablerFactory.generateNewInstanceId(used)));
    }
    List<LwM2mObjectEnabler> objects = initializer.create(0, 1, 3, 3303, 3311);

    CaliforniumClientEndpointsProvider endpoints =
        new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider(),
            new CoapsClientProtocolProvider())
            .setClientAddress(InetAddress.getByName(options.getOrDefault("--local-address", "127.0.0.1")))
            .build();
    DefaultRegistrationEngineFactory engine = new DefaultRegistrationEngineFactory();
    engine.setRequestTimeoutInMs(Long.parseLong(options.getOrDefault("--request-timeout-ms", "10000")));
    engine.setDeregistrationTimeoutInMs(5_000);
    engine.setRetryWaitingTimeInMs(1_000);

    LeshanClientBuilder builder = new RecordingClientBuilder(endpoint);
    builder.setObjects(objects);
    builder.setEndpointsProviders(endpoints);
    builder.setRegistrationEngineFactory(engine);
    client = builder.build();
    client.addObserver(new RegistrationEvents());
  }

  private HarnessInstance add(String path, HarnessInstance instance) {
    instances.put(path, instance);
    return instance;
  }

  /**
   * Leshan's core models (LwM2M 1.1: Security, Server, Device...) and, from the OMA registry
   * directory, the two smart-object models the harness instantiates.
   */
  private static List<ObjectModel> models(String registryDir) throws Exception {
    List<ObjectModel> models = new ArrayList<>(ObjectLoader.loadDefault());
    if (registryDir == null) throw new IllegalArgumentException("missing option --models");
    for (String name : List.of("3303.xml", "3311.xml")) {
      try (InputStream in = new FileInputStream(new File(registryDir, name))) {
        models.addAll(ObjectLoader.loadDdfFile(in, name));
      }
    }
    return models;
  }

  private static HarnessInstance device(Map<String, String> options) {
    Map<Integer, Long> errorCodes = new LinkedHashMap<>();
    errorCodes.put(0, 0L);
    return new HarnessInstance(0)
        .value(0, options.getOrDefault("--manufacturer", "Eclipse Leshan"))
        .value(1, options.getOrDefault("--model", "leshan-client-cf harness"))
        .value(2, options.getOrDefault("--serial", "LC-0001"))
        .value(3, options.getOrDefault("--firmware", "2.0.0-M15"))
        .executable(4, (instance, arguments) -> emit(event("executed").put("path", "/3/0/4")
            .put("arguments", HarnessInstance.text(arguments))))
        .value(9, 87L)
        .value(11, errorCodes)
        .value(13, HarnessInstance.now())
        .value(16, "U");
  }

  /** Temperature: 5601/5602 follow every new 5700; Execute 5605 resets them to the current value. */
  private static HarnessInstance temperature() {
    return new HarnessInstance(0)
        .value(5700, 21.5)
        .value(5701, "Cel")
        .value(5601, 21.5)
        .value(5602, 21.5)
        .value(5603, -40.0)
        .value(5604, 85.0)
        .value(5750, "room")
        .onChange((instance, resourceId, value) -> {
          if (resourceId != 5700) return List.of();
          double v = (Double) value;
          instance.put(5601, Math.min((Double) instance.get(5601), v));
          instance.put(5602, Math.max((Double) instance.get(5602), v));
          return List.of(5601, 5602);
        })
        .executable(5605, (instance, arguments) -> {
          Object current = instance.get(5700);
          instance.set(5601, current);
          instance.set(5602, current);
          emit(event("executed").put("path", "/3303/0/5605").put("arguments", HarnessInstance.text(arguments)));
        });
  }

  private static HarnessInstance lightControl() {
    return new HarnessInstance(0)
        .value(5850, false)
        .value(5851, 50L)
        .value(5852, 0L)
        .value(5706, "white")
        .value(5701, "W")
        .value(5750, "lamp");
  }

  /** LeshanClient with the downlink receiver wrapped, to report every request it gets. */
  private static final class RecordingClientBuilder extends LeshanClientBuilder {
    RecordingClientBuilder(String endpoint) {
      super(endpoint);
    }

    @Override
    protected LeshanClient createLeshanClient(String endpoint, List<? extends LwM2mObjectEnabler> objectEnablers,
        List<DataSender> dataSenders, List<Certificate> trustStore, RegistrationEngineFactory engineFactory,
        BootstrapConsistencyChecker checker, Map<String, String> additionalAttributes,
        Map<String, String> bsAdditionalAttributes, LwM2mEncoder encoder, LwM2mDecoder decoder,
        ScheduledExecutorService sharedExecutor, LinkSerializer linkSerializer, LinkFormatHelper linkFormatHelper,
        LwM2mAttributeParser attributeParser, LwM2mClientEndpointsProvider endpointsProvider) {
      return new LeshanClient(endpoint, objectEnablers, dataSenders, trustStore, engineFactory, checker,
          additionalAttributes, bsAdditionalAttributes, encoder, decoder, sharedExecutor, linkSerializer,
          linkFormatHelper, attributeParser, endpointsProvider) {
        @Override
        protected DownlinkRequestReceiver createRequestReceiver(BootstrapHandler bootstrapHandler,
            LwM2mRootEnabler rootEnabler, LwM2mObjectTree objectTree, RegistrationEngine registrationEngine) {
          return new RecordingReceiver(
              super.createRequestReceiver(bootstrapHandler, rootEnabler, objectTree, registrationEngine),
              JSON::createObjectNode, LeshanClientHarness::emit);
        }
      };
    }
  }

  private static final class RegistrationEvents extends LwM2mClientObserverAdapter {
    private static ObjectNode failed(String operation, ResponseCode code, String message, Exception error) {
      ObjectNode event = event("registrationFailed").put("operation", operation);
      if (code == null) event.putNull("code");
      else event.put("code", RecordingReceiver.code(code));
      String text = message != null ? message : error != null ? error.toString() : "";
      return event.put("message", text);
    }

    private static ObjectNode timeout(String operation) {
      return event("registrationFailed").put("operation", operation).putNull("code").put("message", "timeout");
    }

    @Override
    public void onRegistrationSuccess(LwM2mServer server, RegisterRequest request, String registrationId) {
      emit(event("registered").put("registrationId", registrationId).put("serverUri", server.getUri()));
    }

    @Override
    public void onRegistrationFailure(LwM2mServer server, RegisterRequest request, ResponseCode code,
        String message, Exception error) {
      emit(failed("register", code, message, error));
    }

    @Override
    public void onRegistrationTimeout(LwM2mServer server, RegisterRequest request) {
      emit(timeout("register"));
    }

    @Override
    public void onUpdateSuccess(LwM2mServer server, UpdateRequest request) {
      emit(event("updated"));
    }

    @Override
    public void onUpdateFailure(LwM2mServer server, UpdateRequest request, ResponseCode code, String message,
        Exception error) {
      emit(failed("update", code, message, error));
    }

    @Override
    public void onUpdateTimeout(LwM2mServer server, UpdateRequest request) {
      emit(timeout("update"));
    }

    @Override
    public void onDeregistrationSuccess(LwM2mServer server, DeregisterRequest request) {
      emit(event("deregistered"));
    }

    @Override
    public void onDeregistrationFailure(LwM2mServer server, DeregisterRequest request, ResponseCode code,
        String message, Exception error) {
      emit(failed("deregister", code, message, error));
    }

    @Override
    public void onDeregistrationTimeout(LwM2mServer server, DeregisterRequest request) {
      emit(timeout("deregister"));
    }

    @Override
    public void onUnexpectedError(Throwable error) {
      emit(event("error").put("message", String.valueOf(error)));
    }
  }

  private void serve() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) continue;
      JsonNode command;
      try {
        command = JSON.readTree(line);
      } catch (Exception e) {
        emit(event("error").put("message", "not JSON: " + line));
        continue;
      }
      ObjectNode reply = JSON.createObjectNode().put("id", command.path("id").asLong());
      try {
        reply.set("result", run(command));
        reply.put("ok", true);
      } catch (Exception e) {
        reply.put("ok", false).put("error", String.valueOf(e.getMessage() != null ? e.getMessage() : e));
      }
      emit(reply);
      if ("destroy".equals(command.path("cmd").asText())) {
        System.exit(0);
      }
    }
    // stdin closed: the test is gone; leave without de-registering.
    client.destroy(false);
    System.exit(0);
  }

  private JsonNode run(JsonNode command) {
    switch (command.path("cmd").asText()) {
      case "start":
        client.start();
        return null;
      case "stop":
        client.stop(true);
        return null;
      case "update":
        client.triggerRegistrationUpdate();
        return null;
      case "destroy":
        client.destroy(true);
        return null;
      case "set": {
        Target target = target(command.path("path").asText());
        target.instance.set(target.resourceId, typed(target.model, command.path("value")));
        return null;
      }
      case "get": {
        Target target = target(command.path("path").asText());
        return JSON.valueToTree(jsonValue(target.instance.get(target.resourceId)));
      }
      default:
        throw new IllegalArgumentException("unknown command " + command.path("cmd"));
    }
  }

  private record Target(HarnessInstance instance, int resourceId, ResourceModel model) {}

  private Target target(String path) {
    LwM2mPath parsed = new LwM2mPath(path);
    if (!parsed.isResource()) throw new IllegalArgumentException("not a resource path: " + path);
    HarnessInstance instance = instances.get("/" + parsed.getObjectId() + "/" + parsed.getObjectInstanceId());
    if (instance == null || !instance.has(parsed.getResourceId())) {
      throw new IllegalArgumentException("no resource " + path + " in the harness");
    }
    ResourceModel model = instance.getModel().resources.get(parsed.getResourceId());
    return new Target(instance, parsed.getResourceId(), model);
  }

  /** A JSON value as the Java type Leshan uses for the resource's model type. */
  private static Object typed(ResourceModel model, JsonNode value) {
    if (model.multiple) {
      Map<Integer, Object> instances = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        instances.put(Integer.parseInt(e.getKey()), single(model, e.getValue()));
      }
      return instances;
    }
    return single(model, value);
  }

  private static Object single(ResourceModel model, JsonNode value) {
    switch (model.type) {
      case STRING:
        return value.asText();
      case INTEGER:
        return value.asLong();
      case UNSIGNED_INTEGER:
        return ULong.valueOf(value.asText());
      case FLOAT:
        return value.asDouble();
      case BOOLEAN:
        if (!value.isBoolean()) throw new IllegalArgumentException("expected a boolean: " + value);
        return value.asBoolean();
      case TIME:
        return new Date(value.asLong());
      case OPAQUE:
        return HexFormat.of().parseHex(value.asText());
      default:
        throw new IllegalArgumentException("the harness cannot set a " + model.type + " resource");
    }
  }

  private static Object jsonValue(Object value) {
    if (value instanceof Date d) return d.getTime();
    if (value instanceof byte[] b) return HexFormat.of().formatHex(b);
    if (value instanceof ULong u) return u.toString();
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(String.valueOf(k), jsonValue(v)));
      return out;
    }
    return value;
  }
}
