package dev.metaorch.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.metaorch.bench.ReliabilityNeo4j;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Neo4j (a real one, in this JVM, with a Bolt port) stopped and started again on the same data while two
 * server processes record outcomes: nothing lost, nothing doubled once the outboxes drain.
 */
@Tag("neo4j")
class Neo4jRestartTest {

    @TempDir
    Path tmp;

    /** The in-process Neo4j, restartable on the same folder and port. */
    static final class Harness implements ReliabilityNeo4j.Control, AutoCloseable {
        final Path dir;
        final int port;
        Neo4j neo4j;

        Harness(Path dir) throws IOException {
            this.dir = dir;
            try (ServerSocket s = new ServerSocket(0)) {
                this.port = s.getLocalPort();
            }
        }

        @Override
        public void start() {
            neo4j = Neo4jBuilders.newInProcessBuilder(dir.resolve("work")).withDisabledServer()
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .withConfig(GraphDatabaseSettings.data_directory, dir.resolve("data").toAbsolutePath())
                    .withConfig(GraphDatabaseSettings.auth_enabled, false)
                    .withConfig(BoltConnector.enabled, true)
                    .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                    .build();
        }

        @Override
        public void stop() {
            if (neo4j != null) {
                neo4j.close();
                neo4j = null;
            }
        }

        @Override
        public void close() {
            stop();
        }
    }

    @Test
    void neo4jRestartedMidLoadLosesNothingAndDoublesNothing() throws Exception {
        try (Harness h = new Harness(Files.createDirectories(tmp.resolve("neo4j")))) {
            h.start();
            ReliabilityNeo4j.Report r = ReliabilityNeo4j.run(Files.createDirectories(tmp.resolve("load")), Catalogs.oneMarketplace(), h,
                    "bolt://127.0.0.1:" + h.port, 15);
            System.err.println("neo4j restart: " + r);
            assertTrue(r.acknowledged() > 0, r.notes().toString());
            assertTrue(r.callsWhileDown() > 0, "outcomes were recorded while Neo4j was down");
            assertEquals(0, r.errorsWhileDown(), "record_outcome never fails because Neo4j is down: " + r.notes());
            assertEquals(0, r.outboxLeft(), "the outboxes drained");
            assertTrue(r.inFiles() >= r.acknowledged());
            assertEquals(r.inFiles(), r.graphExecutions(), "every execution of the file store is in the graph");
            assertEquals(0, r.graphDuplicates());
            assertEquals(r.inFiles(), r.implementsEdges());
            assertEquals(r.stepsInFiles(), r.executedInEdges());
        }
    }
}
