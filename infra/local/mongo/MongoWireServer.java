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
import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.EmptyIndex;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.ValueComparator;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.BsonRegularExpression;
import de.bwaldvogel.mongo.bson.Document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
                backend = new PlannedMemoryBackend();
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

    // ---------------------------------------------------------------------
    // Query planning for the memory backend.
    //
    // mongo-java-server uses an index only when a query's fields are exactly
    // the index's keys ({_id: x} yes, {_id: x, status: "pending"} no), and it
    // keeps no secondary (non-unique) index at all: every other query, update
    // and delete scans the whole collection while holding the collection's
    // lock. A guarded single-document update then costs a scan of 100,000
    // documents, and the services' guarded writes ({_id, version}, leases,
    // outbox flags) serialize behind each other. MongoDB plans these queries
    // on an index and filters the few candidates; the classes below do the
    // same, so that the local store's cost per operation looks like a real
    // one's instead of growing with the collection. Results are unchanged:
    // the candidates are a superset of the matches, and the backend still
    // applies the whole query to each of them, in natural (position) order.
    // ---------------------------------------------------------------------

    /** The memory backend, with {@link PlannedMemoryDatabase}s. */
    static final class PlannedMemoryBackend extends MemoryBackend {
        @Override
        public MemoryDatabase openOrCreateDatabase(String databaseName) {
            return new PlannedMemoryDatabase(databaseName, getCursorRegistry());
        }
    }

    /** Collections that plan their queries, and real secondary indexes. */
    static final class PlannedMemoryDatabase extends MemoryDatabase {
        PlannedMemoryDatabase(String databaseName, CursorRegistry cursorRegistry) {
            super(databaseName, cursorRegistry);
        }

        @Override
        protected MemoryCollection openOrCreateCollection(String collectionName, CollectionOptions options) {
            return new PlannedMemoryCollection(this, collectionName, options, cursorRegistry);
        }

        @Override
        protected Index<Integer> openOrCreateSecondaryIndex(String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
            return new LeadingKeyIndex(indexName, keys, sparse);
        }
    }

    static final class PlannedMemoryCollection extends MemoryCollection {
        PlannedMemoryCollection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, cursorRegistry);
        }

        // Every find, count, update and delete of the backend goes through here (aggregations do not).
        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
            Collection<Integer> candidates = QueryPlanner.candidates(getIndexes(), query, orderBy);
            if (candidates == null) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return matchDocuments(query, candidates, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
    }

    static final class QueryPlanner {
        private QueryPlanner() {
        }

        /**
         * Positions of the documents that may match, in natural order, or null
         * to let the backend decide (its exact-key plan, or a full scan).
         */
        static Collection<Integer> candidates(List<Index<Integer>> indexes, Document query, Document orderBy) {
            if (orderBy != null && orderBy.containsKey("$natural")) return null;
            for (Index<Integer> index : indexes) {
                if (index.canHandle(query)) return null;
            }
            // A unique index whose every key the query pins: one document per value.
            for (Index<Integer> index : indexes) {
                if (!index.isUnique()) continue;
                Document pinned = pinnedKeys(index, query);
                if (pinned != null && index.canHandle(pinned)) {
                    TreeSet<Integer> positions = new TreeSet<>();
                    index.getPositions(pinned).forEach(positions::add);
                    return positions;
                }
            }
            // Else the narrowest secondary index whose leading key the query restricts.
            Collection<Integer> best = null;
            for (Index<Integer> index : indexes) {
                if (!(index instanceof LeadingKeyIndex leading)) continue;
                Collection<Integer> positions = leading.candidates(query);
                if (positions != null && (best == null || positions.size() < best.size())) best = positions;
            }
            return best;
        }

        /** The part of the query that names one value (or an $in list) for each of the index's keys, or null. */
        private static Document pinnedKeys(Index<Integer> index, Document query) {
            Document pinned = new Document();
            for (IndexKey key : index.getKeys()) {
                Object condition = query.get(key.getKey());
                if (!isValue(condition) && !isInList(condition)) return null;
                pinned.put(key.getKey(), condition);
            }
            return pinned;
        }

        /** A plain value MongoDB compares by equality (not an operator document, array, regex or null). */
        static boolean isValue(Object condition) {
            return condition != null
                && !(condition instanceof Document)
                && !(condition instanceof Collection)
                && !BsonRegularExpression.isRegularExpression(condition);
        }

        static boolean isInList(Object condition) {
            if (!(condition instanceof Document operators) || !operators.keySet().equals(Set.of("$in"))) return false;
            if (!(operators.get("$in") instanceof Collection<?> values)) return false;
            return values.stream().allMatch(QueryPlanner::isValue);
        }
    }

    /**
     * A non-unique index on its leading key (MongoDB's B-tree serves a query
     * on a prefix of a compound index the same way). Answers equality, $in and
     * range ($gt, $gte, $lt, $lte) conditions on that key with a superset of
     * the matching positions. Arrays are indexed by element, as MongoDB does.
     */
    static final class LeadingKeyIndex extends Index<Integer> {
        /** Used only for Index's public value extraction: MongoDB's normalization and array expansion. */
        private final Index<Integer> leadingValues;
        private final Index<Integer> idValues;
        private final Index<Integer> normalizer = new EmptyIndex<>("normalize", List.of(new IndexKey("v", true)));
        private final String leadingKey;
        private final NavigableMap<Object, TreeSet<Integer>> positionsByValue = new TreeMap<>(ValueComparator.asc());
        private final Map<Integer, List<Object>> valuesByPosition = new HashMap<>();
        private final Map<KeyValue, Integer> positionById = new HashMap<>();
        /** Documents indexed under several values (arrays): see inRange. */
        private int multiValuedDocuments;

        LeadingKeyIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            leadingKey = keys.get(0).getKey();
            leadingValues = new EmptyIndex<>(name, List.of(keys.get(0)));
            idValues = new EmptyIndex<>("_id", List.of(new IndexKey("_id", true)));
        }

        Collection<Integer> candidates(Document query) {
            Object condition = query.get(leadingKey);
            if (QueryPlanner.isValue(condition)) {
                return new TreeSet<>(positionsByValue.getOrDefault(normalized(condition), new TreeSet<>()));
            }
            if (QueryPlanner.isInList(condition)) {
                TreeSet<Integer> positions = new TreeSet<>();
                for (Object value : (Collection<?>) ((Document) condition).get("$in")) {
                    positions.addAll(positionsByValue.getOrDefault(normalized(value), new TreeSet<>()));
                }
                return positions;
            }
            if (condition instanceof Document operators && !operators.isEmpty()) return inRange(operators);
            return null;
        }

        /**
         * Superset of the documents within the bounds (values of other types
         * are filtered after). With an array of several values in the index,
         * one bound only: MongoDB lets different elements satisfy each bound.
         */
        private Collection<Integer> inRange(Document operators) {
            NavigableMap<Object, TreeSet<Integer>> range = positionsByValue;
            boolean oneBoundOnly = multiValuedDocuments > 0;
            for (Map.Entry<String, Object> operator : operators.entrySet()) {
                if (oneBoundOnly && range != positionsByValue) break;
                if (!QueryPlanner.isValue(operator.getValue())) return null;
                Object bound = normalized(operator.getValue());
                switch (operator.getKey()) {
                    case "$gt" -> range = range.tailMap(bound, false);
                    case "$gte" -> range = range.tailMap(bound, true);
                    case "$lt" -> range = range.headMap(bound, false);
                    case "$lte" -> range = range.headMap(bound, true);
                    default -> {
                        return null;
                    }
                }
            }
            TreeSet<Integer> positions = new TreeSet<>();
            range.values().forEach(positions::addAll);
            return positions;
        }

        private Object normalized(Object value) {
            return normalizer.getKeyValues(new Document("v", value)).iterator().next().get(0);
        }

        private KeyValue idOf(Document document) {
            return idValues.getKeyValues(document).iterator().next();
        }

        private void index(Document document, Integer position) {
            List<Object> values = new ArrayList<>();
            for (KeyValue keyValue : leadingValues.getKeyValues(document)) {
                Object value = keyValue.get(0);
                if (value == null) continue; // missing or null: never looked up (see QueryPlanner.isValue)
                values.add(value);
                positionsByValue.computeIfAbsent(value, v -> new TreeSet<>()).add(position);
            }
            valuesByPosition.put(position, values);
            positionById.put(idOf(document), position);
            if (values.size() > 1) multiValuedDocuments++;
        }

        private void unindex(Integer position) {
            List<Object> values = valuesByPosition.remove(position);
            if (values == null) return;
            if (values.size() > 1) multiValuedDocuments--;
            for (Object value : values) {
                TreeSet<Integer> positions = positionsByValue.get(value);
                if (positions == null) continue;
                positions.remove(position);
                if (positions.isEmpty()) positionsByValue.remove(value);
            }
        }

        @Override
        public Integer getPosition(Document document) {
            return positionById.get(idOf(document));
        }

        @Override
        public void checkAdd(Document document, MongoCollection<Integer> collection) {
            // not unique: nothing to check
        }

        @Override
        public void add(Document document, Integer position, MongoCollection<Integer> collection) {
            index(document, position);
        }

        @Override
        public Integer remove(Document document) {
            Integer position = positionById.remove(idOf(document));
            if (position != null) unindex(position);
            return position;
        }

        @Override
        public boolean canHandle(Document query) {
            return false; // planned by QueryPlanner, never as the backend's exact-key plan
        }

        @Override
        public Iterable<Integer> getPositions(Document query) {
            throw new UnsupportedOperationException("planned by QueryPlanner");
        }

        @Override
        public long getCount() {
            return positionById.size();
        }

        @Override
        public long getDataSize() {
            return 0;
        }

        @Override
        public void checkUpdate(Document oldDocument, Document newDocument, MongoCollection<Integer> collection) {
            // not unique: nothing to check
        }

        @Override
        public void updateInPlace(Document oldDocument, Document newDocument, Integer position, MongoCollection<Integer> collection) {
            positionById.remove(idOf(oldDocument));
            unindex(position);
            index(newDocument, position);
        }

        @Override
        public void drop() {
            positionsByValue.clear();
            multiValuedDocuments = 0;
            valuesByPosition.clear();
            positionById.clear();
        }
    }
}
