import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mMultipleResource;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mSingleResource;
import org.eclipse.leshan.core.request.argument.Arguments;
import org.eclipse.leshan.core.response.ExecuteResponse;
import org.eclipse.leshan.core.response.ReadResponse;
import org.eclipse.leshan.core.response.WriteResponse;

/**
 * One object instance of the client harness: resource values by id, typed as Leshan types them
 * (String, Long, Double, Boolean, Date, byte[], ULong; a Map<Integer, value> for a multiple
 * resource; a Supplier for a value computed at read time, like the Device's Current Time), and
 * executable resources with the action they run. Reads and writes go through the object model
 * Leshan checked them against (operations, types), so the server sees a model-conforming client.
 * Values change from the server (Write) or from the test (the harness's `set` command); both notify
 * observers through fireResourceChange.
 */
final class HarnessInstance extends BaseInstanceEnabler {
  /** Runs after a value changed (from a Write or `set`): returns further resources it changed. */
  interface ChangeHook {
    List<Integer> changed(HarnessInstance instance, int resourceId, Object value);
  }

  private final Map<Integer, Object> values = new LinkedHashMap<>();
  private final Map<Integer, BiConsumer<HarnessInstance, Arguments>> executables = new LinkedHashMap<>();
  private ChangeHook hook = (instance, resourceId, value) -> Collections.emptyList();

  HarnessInstance(int id) {
    super(id);
  }

  HarnessInstance value(int resourceId, Object value) {
    values.put(resourceId, value);
    return this;
  }

  HarnessInstance executable(int resourceId, BiConsumer<HarnessInstance, Arguments> action) {
    executables.put(resourceId, action);
    return this;
  }

  HarnessInstance onChange(ChangeHook hook) {
    this.hook = hook;
    return this;
  }

  synchronized Object get(int resourceId) {
    Object value = values.get(resourceId);
    return value instanceof Supplier<?> supplier ? supplier.get() : value;
  }

  synchronized boolean has(int resourceId) {
    return values.containsKey(resourceId);
  }

  /** Sets a value (already converted to the model type) and notifies observers of what changed. */
  void set(int resourceId, Object value) {
    List<Integer> changed = new ArrayList<>();
    synchronized (this) {
      values.put(resourceId, value);
      changed.add(resourceId);
      changed.addAll(hook.changed(this, resourceId, value));
    }
    // one change event, so an observer of the instance gets one notification
    fireResourcesChange(getResourcePaths(changed.stream().mapToInt(Integer::intValue).toArray()));
  }

  /** Sets a value without running the change hook (for the hooks themselves). */
  synchronized void put(int resourceId, Object value) {
    values.put(resourceId, value);
  }

  @Override
  public synchronized ReadResponse read(LwM2mServer server, int resourceId) {
    if (!values.containsKey(resourceId)) return ReadResponse.notFound();
    ResourceModel model = getModel().resources.get(resourceId);
    Object value = get(resourceId);
    if (value instanceof Map<?, ?> instances) {
      @SuppressWarnings("unchecked")
      Map<Integer, ?> byId = (Map<Integer, ?>) instances;
      return ReadResponse.success(LwM2mMultipleResource.newResource(resourceId, byId, model.type));
    }
    return ReadResponse.success(LwM2mSingleResource.newResource(resourceId, value, model.type));
  }

  @Override
  public WriteResponse write(LwM2mServer server, boolean replace, int resourceId, LwM2mResource value) {
    synchronized (this) {
      if (!values.containsKey(resourceId)) return WriteResponse.notFound();
    }
    set(resourceId, value.isMultiInstances() ? multipleValues(value) : value.getValue());
    return WriteResponse.success();
  }

  private static Map<Integer, Object> multipleValues(LwM2mResource resource) {
    Map<Integer, Object> out = new LinkedHashMap<>();
    resource.getInstances().forEach((id, instance) -> out.put(id, instance.getValue()));
    return out;
  }

  @Override
  public ExecuteResponse execute(LwM2mServer server, int resourceId, Arguments arguments) {
    BiConsumer<HarnessInstance, Arguments> action = executables.get(resourceId);
    if (action == null) return ExecuteResponse.notFound();
    action.accept(this, arguments);
    return ExecuteResponse.success();
  }

  @Override
  public synchronized List<Integer> getAvailableResourceIds(ObjectModel model) {
    List<Integer> ids = new ArrayList<>(values.keySet());
    ids.addAll(executables.keySet());
    Collections.sort(ids);
    return ids;
  }

  /** Execute arguments as received (`0='x',1`), "" when there were none. */
  static String text(Arguments arguments) {
    String serialized = arguments == null ? null : arguments.serialize();
    return serialized == null ? "" : serialized;
  }

  /** Current time as the Device reports it. */
  static Supplier<Date> now() {
    return Date::new;
  }
}
