package dev.metaorch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class TaskClassTest {

    @Test
    void keywordsDropStopWordsAndKeepSurfaceForms() {
        List<String> k = TaskClass.keywords("Build a REST API with the JWT authentication and APIs");
        assertEquals(List.of("build", "rest", "api", "jwt", "authentication"), k);
    }

    @Test
    void rephrasedTasksFallInTheSameClass() {
        var a = TaskClass.terms("Build a REST API with JWT authentication");
        var b = TaskClass.terms("REST APIs: build JWT authenticated endpoints");
        assertTrue(TaskClass.overlap(a, b) >= TaskClass.SAME_CLASS_OVERLAP, a + " vs " + b);
        var c = TaskClass.terms("Set up a Kubernetes deployment with Helm");
        assertTrue(TaskClass.overlap(a, c) < TaskClass.SAME_CLASS_OVERLAP);
    }

    @Test
    void domainsAreNormalized() {
        assertEquals("web-development", TaskClass.domain("Web Development"));
        assertEquals("general", TaskClass.domain("  "));
        assertEquals("general", TaskClass.domain(null));
    }
}
