package dev.metaorch.store.neo4j;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;

import dev.metaorch.config.Settings.Neo4jSettings;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * A real Neo4j 5.26 in this JVM with a Bolt port, on a data folder that survives {@link #stop()} and
 * {@link #start()}, always on the same port, so a client configured once sees "the same server restarted".
 */
final class TestNeo4j implements AutoCloseable {

    final Path dir;
    final int port;
    private final boolean auth;
    private Neo4j neo4j;

    TestNeo4j(Path dir, boolean auth) throws IOException {
        this.dir = dir;
        this.auth = auth;
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    static TestNeo4j started(Path dir) throws IOException {
        TestNeo4j t = new TestNeo4j(dir, false);
        t.start();
        return t;
    }

    void start() {
        neo4j = Neo4jBuilders.newInProcessBuilder(dir.resolve("work")).withDisabledServer()
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .withConfig(GraphDatabaseSettings.data_directory, dir.resolve("data").toAbsolutePath())
                .withConfig(GraphDatabaseSettings.auth_enabled, auth)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .build();
    }

    void stop() {
        if (neo4j != null) {
            neo4j.close();
            neo4j = null;
        }
    }

    String uri() {
        return "bolt://127.0.0.1:" + port;
    }

    Neo4jSettings settings() {
        return new Neo4jSettings(uri(), "neo4j", null, null);
    }

    /** A driver of the test's own, to check what landed. */
    Driver driver() {
        return GraphDatabase.driver(uri(), AuthTokens.none());
    }

    @Override
    public void close() {
        stop();
    }
}
