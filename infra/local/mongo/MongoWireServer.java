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

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
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
    // applies the whole query to each of them (in index order, as MongoDB
    // returns an index scan's results; a sort, when asked, comes after).
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
            return new PrefixIndex(indexName, keys, sparse);
        }
    }

    static final class PlannedMemoryCollection extends MemoryCollection {
        /** The position of the document being removed, for the secondary indexes (see PrefixIndex.remove). */
        private Integer removing;

        PlannedMemoryCollection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
            super(database, collectionName, options, cursorRegistry);
        }

        // Every find, count, update and delete of the backend goes through here (aggregations do not).
        @Override
        protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize, Document fieldSelector) {
            QueryPlanner.Plan plan = QueryPlanner.plan(getIndexes(), query, orderBy);
            if (plan == null) {
                return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
            }
            return matchDocuments(plan.residual(), plan.candidates(), orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }

        // The BSON size of the whole document before and after every update, only for
        // collStats' dataSize, which nothing here reads: a tenth of the store's time.
        @Override
        protected boolean tracksDataSize() {
            return false;
        }

        // Runs before the indexes see the document, so they keep the shared strings too.
        @Override
        protected Integer addDocumentInternal(Document document) {
            SharedStrings.share(document);
            return super.addDocumentInternal(document);
        }

        // The stored document, changed in place: the keys and values an update brought in.
        @Override
        protected void handleUpdate(Integer position, Document oldDocument, Document newDocument) {
            SharedStrings.share(getDocument(position));
            super.handleUpdate(position, oldDocument, newDocument);
        }

        /**
         * The backend asks every index for the removed document's position and checks that they
         * agree; the _id index knows it (the backend's own lookup compares the document with every
         * stored one), so the secondary indexes need not keep a map from _id to position each.
         */
        @Override
        public synchronized void removeDocument(Document document) {
            removing = null;
            for (Index<Integer> index : getIndexes()) {
                if (index instanceof PrefixIndex) continue;
                removing = index.getPosition(document);
                if (removing != null) break;
            }
            try {
                super.removeDocument(document);
            } finally {
                removing = null;
            }
        }

        Integer removingPosition() {
            return removing;
        }
    }

    /**
     * One String object per distinct short string the collections hold. The wire decoder makes new
     * strings for every key and value of every document: 100,000 stored answers held a million
     * copies of a few dozen field names, live objects that each young collection copied (the memory
     * backend keeps every document on the heap). Field names are shared whatever their length,
     * values up to SHORT_VALUE characters (statuses, kinds, languages, business ids; not the unique
     * ids, which would only churn the table). A direct-mapped table: a slot holds the last string
     * that hashed there, so it stays bounded; a miss only costs a copy kept. Races between the I/O
     * threads are harmless for the same reason.
     */
    static final class SharedStrings {
        private static final int SHORT_VALUE = 24;
        private static final String[] SLOTS = new String[1 << 15];

        private SharedStrings() {
        }

        static String shared(String string) {
            int slot = string.hashCode() & (SLOTS.length - 1);
            String known = SLOTS[slot];
            if (string.equals(known)) return known;
            SLOTS[slot] = string;
            return string;
        }

        /**
         * The map inside a Document. Its keySet(), values() and entrySet() would each leave a view
         * object cached on every stored document (three objects more per document and per nested
         * document for the collector to copy); LinkedHashMap's own forEach and replaceAll make none.
         */
        private static final VarHandle FIELDS;

        static {
            try {
                FIELDS = MethodHandles.privateLookupIn(Document.class, MethodHandles.lookup()).findVarHandle(Document.class, "documentAsMap", LinkedHashMap.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Shares the document's keys and short string values, at every depth, in place (the order of keys is kept). */
        @SuppressWarnings("unchecked")
        static void share(Document document) {
            LinkedHashMap<String, Object> fields = (LinkedHashMap<String, Object>) FIELDS.get(document);
            boolean[] keysShared = {true};
            fields.replaceAll((key, value) -> {
                if (shared(key) != key) keysShared[0] = false;
                return sharedValue(value);
            });
            if (keysShared[0]) return;
            // A map's keys cannot be swapped in place: put them again in their order, as the shared ones.
            Object[] pairs = new Object[fields.size() * 2];
            int[] next = {0};
            fields.forEach((key, value) -> {
                pairs[next[0]++] = key;
                pairs[next[0]++] = value;
            });
            fields.clear();
            for (int i = 0; i < pairs.length; i += 2) fields.put(shared((String) pairs[i]), pairs[i + 1]);
        }

        private static Object sharedValue(Object value) {
            if (value instanceof String string) return string.length() <= SHORT_VALUE ? shared(string) : string;
            if (value instanceof Document nested) {
                share(nested);
            } else if (value instanceof ArrayList<?> elements) {
                @SuppressWarnings("unchecked")
                List<Object> list = (List<Object>) elements;
                for (int i = 0; i < list.size(); i++) {
                    Object element = list.get(i);
                    Object sharedElement = sharedValue(element);
                    if (sharedElement != element) list.set(i, sharedElement);
                }
            }
            return value;
        }
    }

    static final class QueryPlanner {
        private QueryPlanner() {
        }

        /**
         * The documents that may match and what they must still be matched
         * against, or null to let the backend decide (its exact-key plan, or a
         * full scan). Like MongoDB's, an index's candidates come in index order
         * (a full scan's in natural order); the backend reads them lazily, so a
         * query with a limit stops early.
         */
        record Plan(Iterable<Integer> candidates, Document residual) {
        }

        static Plan plan(List<Index<Integer>> indexes, Document query, Document orderBy) {
            if (orderBy != null && orderBy.containsKey("$natural")) return null;
            // A unique index whose every key the query pins: one document per value. The index
            // found exactly the documents with those values, so the pinned conditions are not
            // matched again: the backend's matcher walks an $in list for every document, which
            // makes reading n documents by id cost n * n comparisons.
            for (Index<Integer> index : indexes) {
                if (!index.isUnique()) continue;
                Document pinned = pinnedKeys(index, query);
                if (pinned != null && index.canHandle(pinned)) {
                    Document residual = query.clone();
                    for (String key : pinned.keySet()) residual.remove(key);
                    return new Plan(index.getPositions(pinned), residual);
                }
            }
            for (Index<Integer> index : indexes) {
                if (index.canHandle(query)) return null;
            }
            // Else the secondary index expected to yield the fewest candidates.
            PrefixIndex.Plan best = null;
            for (Index<Integer> index : indexes) {
                if (!(index instanceof PrefixIndex prefix)) continue;
                PrefixIndex.Plan plan = prefix.plan(query);
                if (plan != null && (best == null || plan.estimate() < best.estimate())) best = plan;
            }
            return best == null ? null : new Plan(best.positions(), query);
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
     * A non-unique index, as MongoDB's B-tree serves it: conditions on its
     * first key, and on its second key under an equality (or $in) on the
     * first ({status: "waiting", retryAt: {$lte: now}} reads the due ones
     * only). Equality, $in and ranges ($gt, $gte, $lt, $lte) are answered with
     * a superset of the matching positions; arrays are indexed by element.
     */
    static final class PrefixIndex extends Index<Integer> {
        private static final ValueComparator GENERIC_ORDER = ValueComparator.asc();
        /**
         * ValueComparator's order, with its common cases (two strings, two dates) compared
         * directly, as it compares them: its generic path (type ranks first) was most of the
         * cost of indexing an inserted document.
         */
        private static final Comparator<Object> ORDER = (a, b) -> {
            if (a instanceof String x && b instanceof String y) return x.compareTo(y);
            if (a instanceof Instant x && b instanceof Instant y) return x.compareTo(y);
            return GENERIC_ORDER.compare(a, b);
        };
        /**
         * Each value's positions are a slot: one Integer (the position object the backend passed,
         * shared by every index of the document) while the value has one document, as ids and
         * timestamps do, a PositionSet once it has several. A set per value cost ~100 bytes more for
         * each single position, and the indexes of 100,000 deliveries or answers are live objects
         * that the store's young collections copy.
         */
        private static final List<Integer> NONE = List.of();

        private final String firstKey;
        /** Null for a single-key index. */
        private final String secondKey;
        /** Index's own value extraction, for dotted paths only (it splits paths with a regex per call). */
        private final Index<Integer> firstExtractor;
        private final Index<Integer> secondExtractor;
        private final NavigableMap<Object, Object> byFirst = new TreeMap<>(ORDER);
        private final NavigableMap<Object, NavigableMap<Object, Object>> bySecondUnderFirst = new TreeMap<>(ORDER);
        /** Set once the backend adds the index to its collection: tells the position of a document being removed. */
        private PlannedMemoryCollection collection;
        private long count;
        /** Documents indexed under several values of a key (arrays): see inRange. */
        private int multiValuedFirst;
        private int multiValuedSecond;

        PrefixIndex(String name, List<IndexKey> keys, boolean sparse) {
            super(name, keys, sparse);
            firstKey = keys.get(0).getKey();
            secondKey = keys.size() > 1 ? keys.get(1).getKey() : null;
            firstExtractor = new EmptyIndex<>(name, List.of(keys.get(0)));
            secondExtractor = keys.size() > 1 ? new EmptyIndex<>(name, List.of(keys.get(1))) : null;
        }

        /** Candidate positions, at most `estimate` of them. */
        record Plan(Iterable<Integer> positions, long estimate) {
        }

        /**
         * The positions that may match the query, or null if this index cannot
         * say. They are read before any write changes the index (the backend
         * collects its matches first), so live views of the maps serve.
         */
        Plan plan(Document query) {
            Object first = query.get(firstKey);
            if (!answerable(first)) return null;
            Object second = secondKey == null ? null : query.get(secondKey);
            if (second != null && !isRange(first) && answerable(second)) {
                Collection<?> firsts = QueryPlanner.isValue(first) ? List.of(first) : (Collection<?>) ((Document) first).get("$in");
                if (firsts.size() == 1) {
                    Object value = firsts.iterator().next();
                    NavigableMap<Object, Object> seconds = bySecondUnderFirst.get(value);
                    if (seconds == null) return new Plan(NONE, 0);
                    return new Plan(lookup(seconds, second, multiValuedSecond > 0), positions(byFirst.get(value)).size());
                }
                PositionSet.Union union = new PositionSet.Union();
                for (Object value : firsts) {
                    NavigableMap<Object, Object> seconds = bySecondUnderFirst.get(value);
                    if (seconds != null) union.addAll(lookup(seconds, second, true));
                }
                PositionSet positions = union.toSet();
                return new Plan(positions, positions.size());
            }
            Iterable<Integer> positions = lookup(byFirst, first, multiValuedFirst > 0);
            // A range's size is not counted (that would read it): assume the worst.
            return new Plan(positions, positions instanceof Collection<?> known ? known.size() : count);
        }

        private static boolean answerable(Object condition) {
            return QueryPlanner.isValue(condition) || QueryPlanner.isInList(condition) || isRange(condition);
        }

        private static boolean isRange(Object condition) {
            if (!(condition instanceof Document operators) || operators.isEmpty()) return false;
            for (Map.Entry<String, Object> operator : operators.entrySet()) {
                if (!Set.of("$gt", "$gte", "$lt", "$lte").contains(operator.getKey()) || !QueryPlanner.isValue(operator.getValue())) return false;
            }
            return true;
        }

        /** A slot's positions, in order. */
        private static Collection<Integer> positions(Object slot) {
            if (slot == null) return NONE;
            if (slot instanceof Integer one) return List.of(one);
            return (PositionSet) slot;
        }

        /** For an answerable condition; `multiValued`: a position may sit under several values (then deduplicated). */
        private static Iterable<Integer> lookup(NavigableMap<Object, Object> map, Object condition, boolean multiValued) {
            if (QueryPlanner.isValue(condition)) return positions(map.get(condition));
            if (QueryPlanner.isInList(condition)) {
                PositionSet.Union union = new PositionSet.Union();
                for (Object value : (Collection<?>) ((Document) condition).get("$in")) union.addAll(positions(map.get(value)));
                return union.toSet();
            }
            NavigableMap<Object, Object> range = inRange(map, (Document) condition, multiValued);
            if (multiValued) {
                PositionSet.Union union = new PositionSet.Union();
                for (Object slot : range.values()) union.addAll(positions(slot));
                return union.toSet();
            }
            // One value per document: the range's positions are distinct, read in index order as needed.
            return () -> range.values().stream().flatMap(slot -> positions(slot).stream()).iterator();
        }

        /**
         * The part of the map within the bounds (values of other types are
         * filtered after). With an array of several values in the index, one
         * bound only: MongoDB lets different elements satisfy each bound.
         */
        private static NavigableMap<Object, Object> inRange(NavigableMap<Object, Object> map, Document operators, boolean multiValued) {
            NavigableMap<Object, Object> range = map;
            for (Map.Entry<String, Object> operator : operators.entrySet()) {
                if (multiValued && range != map) break;
                Object bound = operator.getValue();
                range = switch (operator.getKey()) {
                    case "$gt" -> range.tailMap(bound, false);
                    case "$gte" -> range.tailMap(bound, true);
                    case "$lt" -> range.headMap(bound, false);
                    default -> range.headMap(bound, true); // $lte (isRange let nothing else through)
                };
            }
            return range;
        }

        /** The key's values in the document: an array's elements, no null or missing value (never looked up, see isValue). */
        private static List<Object> valuesOf(Document document, String key, Index<Integer> extractor) {
            if (key.indexOf('.') < 0) {
                Object value = document.get(key);
                if (value instanceof Collection<?> elements) {
                    List<Object> values = new ArrayList<>(elements.size());
                    for (Object element : elements) if (element != null) values.add(element);
                    return values;
                }
                return value == null ? List.of() : List.of(value);
            }
            List<Object> values = new ArrayList<>();
            for (KeyValue keyValue : extractor.getKeyValues(document)) if (keyValue.get(0) != null) values.add(keyValue.get(0));
            return values;
        }

        private static void put(NavigableMap<Object, Object> map, Object value, Integer position) {
            Object slot = map.get(value);
            if (slot == null) {
                map.put(value, position);
            } else if (slot instanceof Integer one) {
                if (one.equals(position)) return;
                PositionSet several = new PositionSet();
                several.addPosition(one);
                several.addPosition(position);
                map.put(value, several);
            } else {
                ((PositionSet) slot).addPosition(position);
            }
        }

        private static void take(NavigableMap<Object, Object> map, Object value, Integer position) {
            Object slot = map.get(value);
            if (slot == null) return;
            if (slot instanceof Integer one) {
                if (one.equals(position)) map.remove(value);
                return;
            }
            PositionSet several = (PositionSet) slot;
            several.removePosition(position);
            if (several.size() == 1) map.put(value, several.first());
            else if (several.isEmpty()) map.remove(value);
        }

        /**
         * Adds (or, with `add` false, takes out) what the document puts in the index. Taking out
         * works from the document as it was indexed: the backend passes the stored document to
         * remove, and the document before the update to updateInPlace.
         */
        private void apply(Document document, Integer position, boolean add) {
            List<Object> firsts = valuesOf(document, firstKey, firstExtractor);
            List<Object> seconds = secondKey == null ? List.of() : valuesOf(document, secondKey, secondExtractor);
            for (Object first : firsts) {
                if (add) put(byFirst, first, position);
                else take(byFirst, first, position);
                if (seconds.isEmpty()) continue;
                NavigableMap<Object, Object> underFirst = add ? bySecondUnderFirst.computeIfAbsent(first, v -> new TreeMap<>(ORDER)) : bySecondUnderFirst.get(first);
                if (underFirst == null) continue;
                for (Object second : seconds) {
                    if (add) put(underFirst, second, position);
                    else take(underFirst, second, position);
                }
                if (underFirst.isEmpty()) bySecondUnderFirst.remove(first);
            }
            int change = add ? 1 : -1;
            count += change;
            if (firsts.size() > 1) multiValuedFirst += change;
            if (seconds.size() > 1) multiValuedSecond += change;
        }

        @Override
        public Integer getPosition(Document document) {
            return null; // the _id index answers (the backend takes the positions the indexes know)
        }

        @Override
        public void checkAdd(Document document, MongoCollection<Integer> collection) {
            // not unique: nothing to check
        }

        @Override
        public void add(Document document, Integer position, MongoCollection<Integer> collection) {
            if (collection instanceof PlannedMemoryCollection planned) this.collection = planned;
            apply(document, position, true);
        }

        @Override
        public Integer remove(Document document) {
            Integer position = collection == null ? null : collection.removingPosition();
            if (position == null) throw new IllegalStateException("index " + getName() + " removes only through its collection");
            apply(document, position, false);
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
            return count;
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
            // Most updates leave the indexed fields alone (counters, arrays, flags of other indexes).
            if (Objects.equals(oldDocument.get(firstKey), newDocument.get(firstKey))
                && (secondKey == null || Objects.equals(oldDocument.get(secondKey), newDocument.get(secondKey)))
                && firstKey.indexOf('.') < 0 && (secondKey == null || secondKey.indexOf('.') < 0)) {
                return;
            }
            apply(oldDocument, position, false);
            apply(newDocument, position, true);
        }

        @Override
        public void drop() {
            byFirst.clear();
            bySecondUnderFirst.clear();
            count = 0;
            multiValuedFirst = 0;
            multiValuedSecond = 0;
        }
    }

    /**
     * The positions of the documents under one index value, in order. A TreeSet was most of the
     * cost of indexing an inserted document (a JFR profile of the store in the pipeline: ~12 % of
     * its samples in TreeSet.add, an allocated, rebalanced tree node per position), and a union of
     * them most of planning an $in. Positions are small ints, and new documents take the highest:
     * a sorted int array that grows at its end serves most sets; a bitmap serves the dense ones
     * (a status shared by most documents), where inserting into or removing from the middle of
     * an array would move most of it.
     */
    static final class PositionSet extends AbstractCollection<Integer> {
        /** A set this large, with at least one position in BITMAP_DENSITY below its highest, is a bitmap. */
        private static final int BITMAP_SIZE = 1024;
        private static final int BITMAP_DENSITY = 32;
        /** A bitmap this small becomes an array again. */
        private static final int ARRAY_SIZE = 256;

        private int[] sorted = new int[4];
        private BitSet bits;
        private int size;

        PositionSet() {
        }

        private PositionSet(int[] sorted, int size) {
            this.sorted = sorted;
            this.size = size;
            if (size >= BITMAP_SIZE && (long) size * BITMAP_DENSITY > sorted[size - 1]) asBitmap();
        }

        @Override
        public int size() {
            return size;
        }

        int first() {
            return bits != null ? bits.nextSetBit(0) : sorted[0];
        }

        // The Collection methods, for any caller that holds a boxed position.
        @Override
        public boolean add(Integer position) {
            int before = size;
            addPosition(position);
            return size != before;
        }

        @Override
        public boolean remove(Object position) {
            int before = size;
            if (position instanceof Integer p) removePosition(p);
            return size != before;
        }

        void addPosition(int position) {
            if (bits != null) {
                if (!bits.get(position)) {
                    bits.set(position);
                    size++;
                }
                return;
            }
            int at = size == 0 || position > sorted[size - 1] ? size : Arrays.binarySearch(sorted, 0, size, position);
            if (at < 0) at = -at - 1;
            else if (at < size) return; // already there
            if (size == sorted.length) sorted = Arrays.copyOf(sorted, size * 2);
            System.arraycopy(sorted, at, sorted, at + 1, size - at);
            sorted[at] = position;
            size++;
            if (size >= BITMAP_SIZE && (long) size * BITMAP_DENSITY > sorted[size - 1]) asBitmap();
        }

        void removePosition(int position) {
            if (bits != null) {
                if (bits.get(position)) {
                    bits.clear(position);
                    size--;
                    if (size < ARRAY_SIZE) asArray();
                }
                return;
            }
            int at = Arrays.binarySearch(sorted, 0, size, position);
            if (at < 0) return;
            System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
            size--;
            if (size > 4 && size < sorted.length / 4) sorted = Arrays.copyOf(sorted, sorted.length / 2);
        }

        private void asBitmap() {
            bits = new BitSet(sorted[size - 1] + 1);
            for (int i = 0; i < size; i++) bits.set(sorted[i]);
            sorted = null;
        }

        private void asArray() {
            sorted = new int[Math.max(4, size * 2)];
            int i = 0;
            for (int p = bits.nextSetBit(0); p >= 0; p = bits.nextSetBit(p + 1)) sorted[i++] = p;
            bits = null;
        }

        @Override
        public Iterator<Integer> iterator() {
            if (bits != null) {
                BitSet b = bits;
                return new Iterator<>() {
                    private int next = b.nextSetBit(0);

                    public boolean hasNext() {
                        return next >= 0;
                    }

                    public Integer next() {
                        if (next < 0) throw new NoSuchElementException();
                        int current = next;
                        next = b.nextSetBit(current + 1);
                        return current;
                    }
                };
            }
            int[] items = sorted;
            int count = size;
            return new Iterator<>() {
                private int i;

                public boolean hasNext() {
                    return i < count;
                }

                public Integer next() {
                    if (i >= count) throw new NoSuchElementException();
                    return items[i++];
                }
            };
        }

        /** The positions of several sets or iterables, gathered and sorted once (not one tree insert each). */
        static final class Union {
            private int[] gathered = new int[16];
            private int count;

            void addAll(Iterable<Integer> positions) {
                if (positions instanceof Collection<?> known && count + known.size() > gathered.length) {
                    gathered = Arrays.copyOf(gathered, Math.max(gathered.length * 2, count + known.size()));
                }
                for (Integer position : positions) {
                    if (count == gathered.length) gathered = Arrays.copyOf(gathered, count * 2);
                    gathered[count++] = position;
                }
            }

            PositionSet toSet() {
                Arrays.sort(gathered, 0, count);
                int distinct = 0;
                for (int i = 0; i < count; i++) if (distinct == 0 || gathered[i] != gathered[distinct - 1]) gathered[distinct++] = gathered[i];
                return new PositionSet(distinct == 0 ? new int[4] : gathered, distinct);
            }
        }
    }
}
