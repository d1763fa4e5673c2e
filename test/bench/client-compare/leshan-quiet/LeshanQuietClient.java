import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import org.eclipse.leshan.client.LeshanClient;
import org.eclipse.leshan.client.LeshanClientBuilder;
import org.eclipse.leshan.client.californium.endpoint.CaliforniumClientEndpointsProvider;
import org.eclipse.leshan.client.californium.endpoint.coap.CoapClientProtocolProvider;
import org.eclipse.leshan.client.object.Device;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.eclipse.leshan.client.resource.BaseInstanceEnabler;
import org.eclipse.leshan.client.resource.LwM2mObjectEnabler;
import org.eclipse.leshan.client.resource.ObjectsInitializer;
import org.eclipse.leshan.client.servers.LwM2mServer;
import org.eclipse.leshan.core.model.ObjectLoader;
import org.eclipse.leshan.core.model.ObjectModel;
import org.eclipse.leshan.core.model.StaticModel;
import org.eclipse.leshan.core.response.ReadResponse;

/**
 * The Leshan client library 2.0.0-M15 (Californium 3.12) as a plain process, for the client-compare
 * benchmark: the same objects the test harness serves for a read of /3303/0/5700 (Security NoSec,
 * Server, Device, Temperature /3303/0 with 5700 = 21.5 and 5701 "Cel"), but without the harness's
 * stdio protocol, so it writes nothing per request. It registers at once and runs until killed.
 *
 *   java -cp '<client-lib>/*:<classes>' LeshanQuietClient --server-uri coap://127.0.0.1:5683
 *        --endpoint ep --models <OMA registry dir>
 */
public final class LeshanQuietClient {
  /** Temperature /3303/0: a static value, read like the harness's. */
  static final class Temperature extends BaseInstanceEnabler {
    Temperature() {
      super(0);
    }

    @Override
    public ReadResponse read(LwM2mServer server, int resourceId) {
      switch (resourceId) {
        case 5700:
          return ReadResponse.success(5700, 21.5);
        case 5701:
          return ReadResponse.success(5701, "Cel");
        default:
          return ReadResponse.notFound();
      }
    }

    @Override
    public List<Integer> getAvailableResourceIds(ObjectModel model) {
      return List.of(5700, 5701);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) options.put(args[i], args[i + 1]);
    String serverUri = options.get("--server-uri");
    String endpoint = options.get("--endpoint");
    String registry = options.get("--models");
    if (serverUri == null || endpoint == null || registry == null) {
      throw new IllegalArgumentException("usage: --server-uri URI --endpoint NAME --models DIR");
    }
    List<ObjectModel> models = new ArrayList<>(ObjectLoader.loadDefault());
    try (InputStream in = new FileInputStream(new File(registry, "3303.xml"))) {
      models.addAll(ObjectLoader.loadDdfFile(in, "3303.xml"));
    }
    ObjectsInitializer initializer = new ObjectsInitializer(new StaticModel(models));
    initializer.setInstancesForObject(0, Security.noSec(serverUri, 123));
    initializer.setInstancesForObject(1, new Server(123, 300));
    initializer.setInstancesForObject(3,
        new Device("Eclipse Leshan", "leshan-client-cf quiet", "LC-0002"));
    initializer.setInstancesForObject(3303, new Temperature());
    initializer.setFactoryForObject(3303, (model, id, used) -> new Temperature());
    List<LwM2mObjectEnabler> objects = initializer.create(0, 1, 3, 3303);

    CaliforniumClientEndpointsProvider endpoints =
        new CaliforniumClientEndpointsProvider.Builder(new CoapClientProtocolProvider())
            .setClientAddress(InetAddress.getByName("127.0.0.1"))
            .build();
    LeshanClientBuilder builder = new LeshanClientBuilder(endpoint);
    builder.setObjects(objects);
    builder.setEndpointsProviders(endpoints);
    LeshanClient client = builder.build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> client.destroy(true)));
    client.start();
  }
}
