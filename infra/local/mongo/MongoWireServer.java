// Local MongoDB-wire server for the dev stack (no Docker, no mongod binary).
//
// Run in Java's single-file source mode, with the jars that
// infra/local/mongo/pom.xml resolves on the class path:
//   java -cp '.local/jars/mongo/*' infra/local/mongo/MongoWireServer.java \
//        --port 27017 [--host 127.0.0.1] --backend memory|h2 [--file data.mv]
//
// Why a launcher at all: mongo-java-server 1.47.0's own version enum
// (de.bwaldvogel.mongo.ServerVersion) tops out at MONGO_5_0 with wire version 8,
// and the MongoDB Node driver used by mongoose 9 refuses servers whose
// maxWireVersion is below 9. The backend takes any de.bwaldvogel.mongo.MongoVersion
// through MongoBackend.version(MongoVersion), and only ever calls
// getWireVersion(), getVersionArray() and toVersionString() on it, so we pass our
// own implementation that claims MongoDB 5.0 / wire 13 (what real 5.0 reports).

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.util.List;
import java.util.concurrent.CountDownLatch;

public class MongoWireServer {

    /** MongoDB 5.0 as the driver sees it: version 5.0.0, maxWireVersion 13. */
    static final class Mongo50 implements MongoVersion {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    }

    public static void main(String[] args) throws Exception {
        // slf4j-simple reads these when the first logger is created, i.e. below.
        // Timestamps help when reading the log next to Kafka's; per-connection
        // "connected"/"closed" INFO lines would drown everything else.
        defaultProperty("org.slf4j.simpleLogger.showDateTime", "true");
        defaultProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd HH:mm:ss,SSS");
        defaultProperty("org.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire.MongoWireProtocolHandler", "warn");

        String host = "127.0.0.1";
        int port = 27017;
        String backendName = "memory";
        String file = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--host" -> { host = need(a, v); i++; }
                case "--port" -> { port = Integer.parseInt(need(a, v)); i++; }
                case "--backend" -> { backendName = need(a, v); i++; }
                case "--file" -> { file = need(a, v); i++; }
                default -> fail("unknown option " + a
                        + " (usage: --port N [--host H] --backend memory|h2 [--file path])");
            }
        }

        MongoBackend backend = null;
        MongoServer server = null;
        try {
            if (backendName.equals("h2")) {
                if (file == null) fail("--backend h2 needs --file <path>");
                backend = new H2Backend(file);
            } else if (backendName.equals("memory")) {
                backend = new MemoryBackend();
            } else {
                fail("--backend must be memory or h2, not " + backendName);
            }
            backend.version(new Mongo50());
            server = new MongoServer(backend);
            server.bind(host, port);
        } catch (Exception e) { // netty rethrows BindException unchecked-style
            // e.g. port taken, or an h2 file locked by another server. Exit
            // explicitly: netty's non-daemon threads would otherwise keep a JVM
            // that serves nothing alive.
            System.err.println("mongo-wire: cannot start on " + host + ":" + port + ": " + e);
            System.exit(1);
        }

        // SIGTERM / Ctrl-C: stop accepting, drop clients, close the backend.
        // shutdownNow() closes the backend itself (for h2 that commits and
        // closes the MVStore file), so nothing written before the signal is lost.
        CountDownLatch done = new CountDownLatch(1);
        final MongoServer running = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.shutdownNow();
            } catch (RuntimeException e) {
                System.err.println("mongo-wire: shutdown error: " + e);
            }
            System.out.println("mongo-wire stopped");
            System.out.flush();
            done.countDown();
        }, "mongo-wire-shutdown"));

        // One line once bound, for humans and scripts (the stack itself pings).
        System.out.println("mongo-wire listening on " + host + ":" + port
                + " (backend " + backendName + (file != null ? " " + file : "") + ", wire 13)");
        System.out.flush();
        done.await();
    }

    private static void defaultProperty(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }

    private static String need(String opt, String value) {
        if (value == null) fail(opt + " needs a value");
        return value;
    }

    private static void fail(String message) {
        System.err.println("mongo-wire: " + message);
        System.exit(2);
    }
}
