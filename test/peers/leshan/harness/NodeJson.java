import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Date;
import java.util.Map;
import org.eclipse.leshan.core.link.DefaultLinkSerializer;
import org.eclipse.leshan.core.link.Link;
import org.eclipse.leshan.core.model.ResourceModel;
import org.eclipse.leshan.core.node.LwM2mNode;
import org.eclipse.leshan.core.node.LwM2mNodeVisitor;
import org.eclipse.leshan.core.node.LwM2mObject;
import org.eclipse.leshan.core.node.LwM2mObjectInstance;
import org.eclipse.leshan.core.node.LwM2mPath;
import org.eclipse.leshan.core.node.LwM2mResource;
import org.eclipse.leshan.core.node.LwM2mResourceInstance;
import org.eclipse.leshan.core.node.LwM2mRoot;
import org.eclipse.leshan.core.node.ObjectLink;

/**
 * Leshan's decoded nodes as plain JSON for the TypeScript side (test/peers/leshan-harness.ts
 * validates these shapes with zod):
 *   {"kind":"resource","id":0,"type":"STRING","value":"x"}
 *   {"kind":"multiple","id":11,"type":"INTEGER","values":{"0":0}}
 *   {"kind":"resourceInstance","id":0,"type":"OPAQUE","value":"0102"}
 *   {"kind":"instance","id":0,"resources":[...]}   {"kind":"object","id":3,"instances":[...]}
 * Values keep their LwM2M meaning without loss: INTEGER / UNSIGNED_INTEGER as JSON integers (exact,
 * the reader decides about precision), FLOAT as a number, TIME as epoch milliseconds, OPAQUE as
 * lowercase hex, OBJLNK as "oid:iid", CORELNK as its CoRE Link Format text.
 */
final class NodeJson {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final DefaultLinkSerializer LINKS = new DefaultLinkSerializer();

  private NodeJson() {}

  static JsonNode node(LwM2mNode node) {
    if (node == null) return F.nullNode();
    final ObjectNode[] out = new ObjectNode[1];
    node.accept(
        new LwM2mNodeVisitor() {
          @Override
          public void visit(LwM2mRoot root) {
            ObjectNode json = F.objectNode().put("kind", "root");
            var objects = json.putArray("objects");
            for (LwM2mObject object : root.getObjects().values()) objects.add(node(object));
            out[0] = json;
          }

          @Override
          public void visit(LwM2mObject object) {
            ObjectNode json = F.objectNode().put("kind", "object").put("id", object.getId());
            var instances = json.putArray("instances");
            for (LwM2mObjectInstance instance : object.getInstances().values()) instances.add(node(instance));
            out[0] = json;
          }

          @Override
          public void visit(LwM2mObjectInstance instance) {
            ObjectNode json = F.objectNode().put("kind", "instance").put("id", instance.getId());
            var resources = json.putArray("resources");
            for (LwM2mResource resource : instance.getResources().values()) resources.add(node(resource));
            out[0] = json;
          }

          @Override
          public void visit(LwM2mResource resource) {
            ObjectNode json = F.objectNode();
            if (resource.isMultiInstances()) {
              json.put("kind", "multiple").put("id", resource.getId()).put("type", resource.getType().name());
              ObjectNode values = json.putObject("values");
              for (Map.Entry<Integer, LwM2mResourceInstance> e : resource.getInstances().entrySet()) {
                values.set(String.valueOf(e.getKey()), value(resource.getType(), e.getValue().getValue()));
              }
            } else {
              json.put("kind", "resource").put("id", resource.getId()).put("type", resource.getType().name());
              json.set("value", value(resource.getType(), resource.getValue()));
            }
            out[0] = json;
          }

          @Override
          public void visit(LwM2mResourceInstance instance) {
            ObjectNode json = F.objectNode().put("kind", "resourceInstance").put("id", instance.getId());
            json.put("type", instance.getType().name());
            json.set("value", value(instance.getType(), instance.getValue()));
            out[0] = json;
          }
        });
    return out[0];
  }

  /** `{"/3/0/0": node, ...}`; a path Leshan could not find maps to null. */
  static ObjectNode nodes(Map<LwM2mPath, LwM2mNode> nodes) {
    ObjectNode json = F.objectNode();
    if (nodes == null) return json;
    for (Map.Entry<LwM2mPath, LwM2mNode> e : nodes.entrySet()) json.set(e.getKey().toString(), node(e.getValue()));
    return json;
  }

  static JsonNode value(ResourceModel.Type type, Object value) {
    if (value == null) return F.nullNode();
    switch (type) {
      case STRING:
        return F.textNode((String) value);
      case INTEGER:
        return F.numberNode(((Number) value).longValue());
      case UNSIGNED_INTEGER:
        return F.numberNode(new BigInteger(value.toString()));
      case FLOAT:
        return F.numberNode(((Number) value).doubleValue());
      case BOOLEAN:
        return F.booleanNode((Boolean) value);
      case TIME:
        return F.numberNode(((Date) value).getTime());
      case OPAQUE:
        return F.textNode(hex((byte[]) value));
      case OBJLNK: {
        ObjectLink link = (ObjectLink) value;
        return F.textNode(link.getObjectId() + ":" + link.getObjectInstanceId());
      }
      case CORELINK:
        return F.textNode(LINKS.serializeCoreLinkFormat((Link[]) value));
      default:
        return F.textNode(String.valueOf(value));
    }
  }

  private static String hex(byte[] bytes) {
    StringBuilder s = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) s.append(String.format("%02x", b & 0xff));
    return s.toString();
  }
}
