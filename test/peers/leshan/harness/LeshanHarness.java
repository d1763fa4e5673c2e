import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.endpoint.Protocol;
import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.TimestampedLwM2mNodes;
import org.eclipse.leshan.core.observation.CompositeObservation;
import org.eclipse.leshan.core.observation.Observation;
import org.eclipse.leshan.core.observation.SingleObservation;
import org.eclipse.leshan.core.request.CancelCompositeObservationRequest;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.ObserveCompositeRequest;
import org.eclipse.leshan.core.request.ReadCompositeRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.SendRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.CancelCompositeObservationResponse;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.ObserveCompositeResponse;
import org.eclipse.leshan.core.response.ObserveResponse;
import org.eclipse.leshan.core.response.ReadCompositeResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.server.LeshanServer;
import org.eclipse.leshan.server.LeshanServerBuilder;
import org.eclipse.leshan.server.californium.endpoint.CaliforniumServerEndpointsProvider;
import org.eclipse.leshan.server.californium.endpoint.coap.CoapServerProtocolProvider;
import org.eclipse.leshan.server.model.VersionedModelProvider;
import org.eclipse.leshan.server.observation.ObservationListener;
import org.eclipse.leshan.server.registration.Registration;
import org.eclipse.leshan.server.registration.RegistrationListener;
import org.eclipse.leshan.server.registration.RegistrationUpdate;
import org.eclipse.leshan.server.security.InMemorySecurityStore;
import org.eclipse.leshan.server.send.SendListener;

/**
 * A Leshan LwM2M server (library 2.0.0-M15, NoSec CoAP on one UDP port) driven over stdio, for the
 * interop tests of operations the Leshan demo server's REST API lacks: Read-Composite,
 * Observe-Composite (+ active cancel) and Send.
 *
 *   java -cp '<harness-lib>/*:<classes>' LeshanHarness --host 127.0.0.1 --port 0 [--models <dir>]
 *
 * stdout carries one JSON object per line, nothing else (Leshan logs to stderr):
 *   {"event":"ready","coapPort":N}
 *   {"event":"registered"|"updated"|"deregistered","endpoint":..,"registrationId":..,...}
 *   {"event":"compositeNotification","endpoint":..,"paths":[..],"content":{path: node}}
 *   {"event":"notification","endpoint":..,"path":..,"content":node}
 *   {"event":"send","endpoint":..,"format":..,"records":[{"timestamp":ms|null,"nodes":{path: node}}]}
 *   {"event":"observationError"|"sendError","endpoint":..,"error":..}
 *   {"id":N,"ok":true,"result":{...}} / {"id":N,"ok":false,"error":".."}   replies to commands
 * stdin takes one command per line, {"id":N,"cmd":..,...}:
 *   read {endpoint, path, format?}                   readComposite {endpoint, paths, format?}
 *   observeComposite {endpoint, paths, format?}      cancelCompositeObservation {endpoint, paths}
 *   write {endpoint, path, type: BOOLEAN|INTEGER|FLOAT|STRING, value, format?}
 * Device answers (also LwM2M errors such as 4.04) are ok:true with {"code":"4.04","name":..,...}.
 * Commands run concurrently (each blocks on its device until timeoutMs, default 5000). The
 * process exits when stdin closes, so it never outlives the test that spawned it.
 */
public final class LeshanHarness {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);
  private static final DefaultLinkSerializer LINKS = new DefaultLinkSerializer();

  private final LeshanServer server;
  private final ExecutorService workers = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "harness-command");
    t.setDaemon(true);
    return t;
  });

  private LeshanHarness(LeshanServer server) {
    this.server = server;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) options.put(args[i], args[i + 1]);
    String host = options.getOrDefault("--host", "127.0.0.1");
    int port = Integer.parseInt(options.getOrDefault("--port", "0"));

    CaliforniumServerEndpointsProvider endpoints =
        new CaliforniumServerEndpointsProvider.Builder(new CoapServerProtocolProvider())
            .addEndpoint(new InetSocketAddress(host, port), Protocol.COAP)
            .build();
    LeshanServerBuilder builder = new LeshanServerBuilder();
    builder.setEndpointsProviders(endpoints);
    builder.setObjectModelProvider(new VersionedModelProvider(models(options.get("--models"))));
    // An empty store: NoSec registrations are accepted for endpoints without security info.
    builder.setSecurityStore(new InMemorySecurityStore());
    LeshanServer server = builder.build();

    LeshanHarness harness = new LeshanHarness(server);
    harness.listen();
    server.start();
    Runtime.getRuntime().addShutdownHook(new Thread(server::destroy));
    int bound = server.getEndpoint(Protocol.COAP).getURI().getPort();
    harness.emit(JSON.createObjectNode().put("event", "ready").put("coapPort", bound));
    harness.serve();
  }

  /**
   * The vendored OMA registry (--models) first, Leshan's built-in core models for what it lacks:
   * the client under test registers objects (3303, 19, 22...) that Leshan does not bundle.
   */
  private static Collection<ObjectModel> models(String dir) {
    Map<String, ObjectModel> byIdVersion = new LinkedHashMap<>();
    List<ObjectModel> all = new ArrayList<>();
    if (dir != null) all.addAll(ObjectLoader.loadObjectsFromDir(new File(dir), false));
    all.addAll(ObjectLoader.loadAllDefault());
    for (ObjectModel model : all) byIdVersion.putIfAbsent(model.id + "@" + model.version, model);
    return byIdVersion.values();
  }

  private synchronized void emit(JsonNode line) {
    OUT.println(line.toString());
  }

  private ObjectNode event(String type, String endpoint) {
    return JSON.createObjectNode().put("event", type).put("endpoint", endpoint);
  }

  private void listen() {
    server.getRegistrationService().addListener(new RegistrationListener() {
      @Override
      public void registered(Registration reg, Registration previous, Collection<Observation> previousObservations) {
        emit(registration("registered", reg));
      }

      @Override
      public void updated(RegistrationUpdate update, Registration updated, Registration previous) {
        emit(registration("updated", updated));
      }

      @Override
      public void unregistered(Registration reg, Collection<Observation> observations, boolean expired,
          Registration newReg) {
        emit(registration("deregistered", reg).put("expired", expired));
      }
    });

    server.getObservationService().addListener(new ObservationListener() {
      @Override
      public void newObservation(Observation observation, Registration registration) {}

      @Override
      public void cancelled(Observation observation) {}

      @Override
      public void onResponse(SingleObservation observation, Registration registration, ObserveResponse response) {
        ObjectNode json = event("notification", registration.getEndpoint());
        json.put("path", observation.getPath().toString());
        json.set("content", NodeJson.node(response.getContent()));
        emit(json);
      }

      @Override
      public void onResponse(CompositeObservation observation, Registration registration,
          ObserveCompositeResponse response) {
        ObjectNode json = event("compositeNotification", registration.getEndpoint());
        var paths = json.putArray("paths");
        for (LwM2mPath path : observation.getPaths()) paths.add(path.toString());
        json.set("content", NodeJson.nodes(response.getContent()));
        emit(json);
      }

      @Override
      public void onError(Observation observation, Registration registration, Exception error) {
        emit(event("observationError", registration == null ? null : registration.getEndpoint())
            .put("error", String.valueOf(error)));
      }
    });

    server.getSendService().addListener(new SendListener() {
      @Override
      public void dataReceived(Registration registration, TimestampedLwM2mNodes data, SendRequest request) {
        ObjectNode json = event("send", registration.getEndpoint());
        json.put("format", request.getFormat().getName());
        var records = json.putArray("records");
        for (Instant timestamp : data.getTimestamps()) {
          ObjectNode record = records.addObject();
          if (timestamp == null) record.putNull("timestamp");
          else record.put("timestamp", timestamp.toEpochMilli());
          record.set("nodes", NodeJson.nodes(data.getNodesAt(timestamp)));
        }
        emit(json);
      }

      @Override
      public void onError(Registration registration, String message, Exception error) {
        emit(event("sendError", registration == null ? null : registration.getEndpoint())
            .put("error", message + ": " + error));
      }
    });
  }

  private ObjectNode registration(String type, Registration reg) {
    ObjectNode json = event(type, reg.getEndpoint());
    json.put("registrationId", reg.getId());
    json.put("lwm2mVersion", reg.getLwM2mVersion().toString());
    json.put("objectLinks", LINKS.serializeCoreLinkFormat(reg.getObjectLinks()));
    return json;
  }

  /** Reads commands until stdin closes, then stops the server and exits. */
  private void serve() throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.isBlank()) continue;
      JsonNode command;
      try {
        command = JSON.readTree(line);
      } catch (Exception e) {
        emit(JSON.createObjectNode().put("event", "protocolError").put("error", "not JSON: " + line));
        continue;
      }
      workers.execute(() -> run(command));
    }
    server.destroy();
    System.exit(0);
  }

  private void run(JsonNode command) {
    long id = command.path("id").asLong(-1);
    ObjectNode reply = JSON.createObjectNode().put("id", id);
    try {
      reply.set("result", execute(command));
      reply.put("ok", true);
    } catch (Exception e) {
      reply.put("ok", false).put("error", e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    emit(reply);
  }

  private JsonNode execute(JsonNode command) throws Exception {
    String cmd = command.path("cmd").asText();
    Registration reg = registration(command.path("endpoint").asText());
    long timeoutMs = command.path("timeoutMs").asLong(5000);
    ContentFormat format = format(command, "SENML_CBOR");
    switch (cmd) {
      case "read": {
        ReadResponse r = send(reg, new ReadRequest(format(command, null), command.path("path").asText()), timeoutMs);
        return response(r).set("content", NodeJson.node(r.getContent()));
      }
      case "readComposite": {
        ReadCompositeResponse r = send(reg, new ReadCompositeRequest(format, format, paths(command)), timeoutMs);
        return response(r).set("content", NodeJson.nodes(r.getContent()));
      }
      case "observeComposite": {
        List<LwM2mPath> paths = new ArrayList<>();
        for (String p : paths(command)) paths.add(new LwM2mPath(p));
        ObserveCompositeResponse r = send(reg, new ObserveCompositeRequest(format, format, paths), timeoutMs);
        return response(r).set("content", NodeJson.nodes(r.getContent()));
      }
      case "cancelCompositeObservation": {
        CompositeObservation observation = compositeObservation(reg, paths(command));
        // Active cancel: a FETCH with Observe=1 the client answers, then Leshan forgets it.
        CancelCompositeObservationResponse r =
            send(reg, new CancelCompositeObservationRequest(observation), timeoutMs);
        server.getObservationService().cancelObservation(observation);
        return response(r).set("content", NodeJson.nodes(r.getContent()));
      }
      case "write":
        return response(send(reg, write(command), timeoutMs));
      default:
        throw new IllegalArgumentException("unknown command " + cmd);
    }
  }

  private Registration registration(String endpoint) {
    Registration reg = server.getRegistrationService().getByEndpoint(endpoint);
    if (reg == null) throw new IllegalStateException("no registration for endpoint \"" + endpoint + "\"");
    return reg;
  }

  private <T extends LwM2mResponse> T send(Registration reg, org.eclipse.leshan.core.request.DownlinkRequest<T> request,
      long timeoutMs) throws InterruptedException {
    T response = server.send(reg, request, timeoutMs);
    if (response == null) throw new IllegalStateException("no answer from the device within " + timeoutMs + " ms");
    return response;
  }

  private static ContentFormat format(JsonNode command, String fallback) {
    String name = command.path("format").asText(fallback);
    if (name == null) return null;
    ContentFormat format = ContentFormat.fromName(name);
    if (format == null) throw new IllegalArgumentException("unknown content format " + name);
    return format;
  }

  private static List<String> paths(JsonNode command) {
    List<String> paths = new ArrayList<>();
    for (JsonNode p : command.path("paths")) paths.add(p.asText());
    if (paths.isEmpty()) throw new IllegalArgumentException("paths must be a non-empty array");
    return paths;
  }

  private CompositeObservation compositeObservation(Registration reg, List<String> paths) {
    List<LwM2mPath> wanted = new ArrayList<>();
    for (String p : paths) wanted.add(new LwM2mPath(p));
    for (Observation o : server.getObservationService().getObservations(reg)) {
      if (o instanceof CompositeObservation && ((CompositeObservation) o).getPaths().equals(wanted)) {
        return (CompositeObservation) o;
      }
    }
    throw new IllegalStateException("no composite observation of " + paths);
  }

  private static WriteRequest write(JsonNode command) {
    LwM2mPath path = new LwM2mPath(command.path("path").asText());
    if (!path.isResource()) throw new IllegalArgumentException("write takes a resource path");
    int o = path.getObjectId(), i = path.getObjectInstanceId(), r = path.getResourceId();
    ContentFormat format = format(command, "TLV");
    JsonNode value = command.path("value");
    switch (command.path("type").asText()) {
      case "BOOLEAN":
        return new WriteRequest(format, o, i, r, value.asBoolean());
      case "INTEGER":
        return new WriteRequest(format, o, i, r, value.asLong());
      case "FLOAT":
        return new WriteRequest(format, o, i, r, value.asDouble());
      case "STRING":
        return new WriteRequest(format, o, i, r, value.asText());
      default:
        throw new IllegalArgumentException("write type must be BOOLEAN, INTEGER, FLOAT or STRING");
    }
  }

  private static ObjectNode response(LwM2mResponse response) {
    ResponseCode code = response.getCode();
    ObjectNode json = JSON.createObjectNode();
    json.put("code", code.getCode() / 100 + "." + String.format("%02d", code.getCode() % 100));
    json.put("name", code.getName());
    json.put("success", response.isSuccess());
    if (response.getErrorMessage() != null) json.put("errorMessage", response.getErrorMessage());
    return json;
  }
}
