package dev.metaorch.store.neo4j;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

@org.junit.jupiter.api.Tag("neo4j")
class HarnessSmokeTest {
    @Test
    void starts() throws Exception {
        Path dir = Files.createTempDirectory("neo");
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            try (Neo4j n = Neo4jBuilders.newInProcessBuilder(dir).withDisabledServer()
                    .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .withConfig(GraphDatabaseSettings.data_directory, dir.resolve("data").toAbsolutePath())
                    .build()) {
                System.err.println("built " + (System.nanoTime() - t0) / 1e6 + " " + n.boltURI());
                try (var d = GraphDatabase.driver(n.boltURI(), AuthTokens.none()); var s = d.session()) {
                    if (round == 0) s.run("CREATE (:X {a: 1})").consume();
                    System.err.println("count " + s.run("MATCH (x:X) RETURN count(x) AS c").single().get("c"));
                    s.run("CREATE FULLTEXT INDEX ft IF NOT EXISTS FOR (x:X) ON EACH [x.name]").consume();
                }
                t0 = System.nanoTime();
            }
            System.err.println("closed " + (System.nanoTime() - t0) / 1e6);
        }
    }
}
