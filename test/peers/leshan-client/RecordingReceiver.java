import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.eclipse.leshan.client.request.DownlinkRequestReceiver;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.ResponseCode;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.request.ContentFormat;
import org.eclipse.leshan.core.request.DownlinkRequest;
import org.eclipse.leshan.core.request.ExecuteRequest;
import org.eclipse.leshan.core.request.LwM2mRequest;
import org.eclipse.leshan.core.request.ObserveRequest;
import org.eclipse.leshan.core.request.ReadRequest;
import org.eclipse.leshan.core.request.SimpleDownlinkRequest;
import org.eclipse.leshan.core.request.WriteRequest;
import org.eclipse.leshan.core.response.LwM2mResponse;
import org.eclipse.leshan.core.response.SendableResponse;

/**
 * Wraps Leshan's downlink receiver and reports every request a server sent to this client, after
 * Leshan answered it: {"event":"request","operation":"read","path":"/3/0","contentFormat":11542,
 * "code":"2.05"}. `contentFormat` is what the request named (Accept of a Read/Observe, the payload
 * format of a Write), null when it named none; a Write also carries the written single values.
 */
final class RecordingReceiver implements DownlinkRequestReceiver {
  private final DownlinkRequestReceiver delegate;
  private final Consumer<ObjectNode> emit;
  private final Supplier<ObjectNode> newEvent;

  RecordingReceiver(DownlinkRequestReceiver delegate, Supplier<ObjectNode> newEvent,
      Consumer<ObjectNode> emit) {
    this.delegate = delegate;
    this.newEvent = newEvent;
    this.emit = emit;
  }

  @Override
  public <T extends LwM2mResponse> SendableResponse<T> requestReceived(LwM2mServer server, DownlinkRequest<T> request) {
    SendableResponse<T> answer = delegate.requestReceived(server, request);
    ObjectNode event = newEvent.get().put("event", "request").put("operation", operation(request));
    if (request instanceof SimpleDownlinkRequest<?> simple) event.put("path", simple.getPath().toString());
    else event.putNull("path");
    ContentFormat format = format(request);
    if (format == null) event.putNull("contentFormat");
    else event.put("contentFormat", format.getCode());
    if (request instanceof ExecuteRequest execute) event.put("arguments", HarnessInstance.text(execute.getArguments()));
    if (request instanceof WriteRequest write) {
      ObjectNode values = event.putObject("values");
      String base = write.getPath().toString();
      LwM2mNode node = write.getNode();
      if (node instanceof LwM2mObjectInstance instance) {
        for (LwM2mResource r : instance.getResources().values()) putValue(values, base + "/" + r.getId(), r);
      } else if (node instanceof LwM2mResource r) {
        putValue(values, base, r);
      }
    }
    T response = answer.getResponse();
    event.put("code", code(response.getCode()));
    emit.accept(event);
    return answer;
  }

  private static void putValue(ObjectNode values, String path, LwM2mResource resource) {
    if (resource.isMultiInstances()) return;
    Object value = resource.getValue();
    if (value instanceof Boolean b) values.put(path, b);
    else if (value instanceof Long l) values.put(path, l);
    else if (value instanceof Double d) values.put(path, d);
    else values.put(path, String.valueOf(value));
  }

  @Override
  public void onError(LwM2mServer server, Exception error,
      Class<? extends LwM2mRequest<? extends LwM2mResponse>> requestType) {
    emit.accept(newEvent.get().put("event", "error")
        .put("message", "request " + requestType.getSimpleName() + " failed: " + error));
    delegate.onError(server, error, requestType);
  }

  /** "ReadRequest" → "read", "WriteAttributesRequest" → "writeAttributes". */
  private static String operation(DownlinkRequest<?> request) {
    String name = request.getClass().getSimpleName().replaceFirst("Request$", "");
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }

  private static ContentFormat format(DownlinkRequest<?> request) {
    if (request instanceof ReadRequest read) return read.getContentFormat();
    if (request instanceof ObserveRequest observe) return observe.getContentFormat();
    if (request instanceof WriteRequest write) return write.getContentFormat();
    return null;
  }

  /** ResponseCode 205 → "2.05". */
  static String code(ResponseCode code) {
    int c = code.getCode();
    return (c / 100) + "." + String.format("%02d", c % 100);
  }
}
