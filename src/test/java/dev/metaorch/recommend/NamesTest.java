package dev.metaorch.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void capitalizedRunsWhereNoSentenceStartsAreNames() {
        assertEquals(List.of("Agent Engine"), Names.in("Set up observability infrastructure for Agent Engine"));
        assertEquals(List.of("Code Execution Sandbox"), Names.in("Validate the Code Execution Sandbox configuration"));
        assertEquals(List.of("Sentry", "React"), Names.in("set up Sentry in our React app"));
    }

    @Test
    void capitalsInsideAWordMakeANameEvenWhereASentenceStarts() {
        assertEquals(List.of("ADK", "Vertex AI Engine", "CI", "CD"), Names.in("Deploy ADK agent to Vertex AI Engine with CI/CD"));
        assertEquals(List.of("WNBA"), Names.in("Build a WNBA stats table page"));
        assertEquals(List.of("GitHub"), Names.in("GitHub login for the app"));
    }

    @Test
    void sentenceStartsCommonWordsAndIAreNot() {
        assertEquals(List.of(), Names.in("Monitor agent health over the last 24 hours"));
        assertEquals(List.of(), Names.in("I need to clean up this project. Then deploy it."));
        assertEquals(List.of(), Names.in("move our next.js app to the app router"));
        assertEquals(List.of("Flash"), Names.in("a flow with gemini 2.5 Flash"));
    }
}
