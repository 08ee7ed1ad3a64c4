package dev.metaorch.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.metaorch.testing.MarketplaceFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Example requests read from agent example blocks, command invocations and README request lines. */
class ExampleRequestsTest {

    @Test
    void agentExampleBlocksGiveTheirContextAndUserLines() {
        // Claude Code's agent format, as one YAML string with literal \n (how most marketplaces write it)
        String description = "Use this agent when a release is near.\\n\\n<example>\\nContext: The team finished a sprint.\\n"
                + "user: \"We are about to ship, is everything in order?\"\\nassistant: \"I'll use the release-captain agent.\"\\n"
                + "<commentary>Shipping soon.</commentary>\\n</example>\\n<example>\\nuser: 'Cut the 2.0 tag'\\n</example>";
        assertEquals(List.of("The team finished a sprint.", "We are about to ship, is everything in order?", "Cut the 2.0 tag"),
                ExampleRequests.turns(description));
        assertEquals(List.of(), ExampleRequests.turns("Reviews code for bugs."), "no example block, no examples");
    }

    @Test
    void turnLabelsInAnyCaseWithSpacesBeforeTheColonOrTheTurnOnTheNextLineAreFound() {
        // the quick check for a label before a ':' that skips the pattern must not skip these
        assertEquals(List.of("Deploy the staging branch now", "Please rotate the keys"),
                ExampleRequests.turns("Intro.\\n> USER :  Deploy the staging branch now\\nHuman:\\n  Please rotate the keys"));
        assertEquals(List.of(), ExampleRequests.turns("The user said: nothing here is a turn, the user context matters"),
                "a label must open its line");
    }

    @Test
    void readmeRequestLinesAreWholeQuotedSentencesNotCode() {
        String readme = """
                # Thing

                ## Usage
                ```
                "Sketch a pricing page for a bakery"
                "Draw an onboarding flow with three steps"
                ```
                - "Summarize last week's incidents"
                > "Compare two vendors on price"
                Some prose with "a quote inside" that is not a request line.
                "x"
                "config = {a: 1}"
                "TOKEN"
                """;
        assertEquals(List.of("Sketch a pricing page for a bakery", "Draw an onboarding flow with three steps",
                "Summarize last week's incidents", "Compare two vendors on price"), ExampleRequests.quotedLines(readme));
    }

    @Test
    void commandInvocationsGiveTheirArgumentsButNotPlaceholdersOrOtherCommands() {
        String text = """
                Run `/trip-kit:plan Weekend in Lisbon with kids` or just
                /plan a cheap week in Porto
                Usage: /plan <destination>
                /plan --dry-run
                /planner something else entirely
                see docs/plan this is a path, not a command
                """;
        assertEquals(List.of("Weekend in Lisbon with kids", "a cheap week in Porto"),
                ExampleRequests.invocations(text, "trip-kit", "plan"));
    }

    @Test
    void qualifiedInvocationsNameTheirPluginAndCommand() {
        assertEquals(List.of(new ExampleRequests.Invocation("ship-kit", "release:notes", "Draft notes for 2.1"),
                        new ExampleRequests.Invocation("ship-kit", "deploy", "staging after the freeze")),
                ExampleRequests.qualifiedInvocations("""
                        Run /ship-kit:release:notes "Draft notes for 2.1" then
                        `/ship-kit:deploy staging after the freeze`
                        /ship-kit:deploy <env>
                        https://example.com/ship-kit:deploy not an invocation
                        """));
    }

    @Test
    void longExamplesAreCutAndListsAreCapped() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("user: request number ").append(i).append(" about ").append("words ".repeat(80)).append('\n');
        }
        List<String> ex = ExampleRequests.turns(sb.toString());
        assertEquals(ExampleRequests.MAX_PER_SOURCE, ex.size());
        assertTrue(ex.stream().allMatch(s -> s.length() <= ExampleRequests.MAX_CHARS), ex.get(0));
    }

    @Test
    void theFolderLoaderReadsExamplesFromAgentsCommandsSkillsAndTheReadme(@TempDir Path tmp) throws Exception {
        Path m = tmp.resolve("m");
        MarketplaceFixtures.write(m.resolve(".claude-plugin/marketplace.json"), """
                {"name": "ex-market", "owner": {"name": "t"}, "plugins": [{"name": "trip-kit", "source": "./trip-kit", "description": "Travel helpers"}]}
                """);
        Path p = m.resolve("trip-kit");
        MarketplaceFixtures.write(p.resolve("agents/guide.md"), """
                ---
                name: guide
                description: "Use this agent for itineraries.\\n\\n<example>\\nuser: \\"Where should we eat in Lisbon?\\"\\n</example>"
                ---
                You are a guide.
                """);
        // unquoted example lines in the front matter, as many real agents write them: not valid YAML
        MarketplaceFixtures.write(p.resolve("agents/critic.md"), """
                ---
                name: critic
                description: Use this agent after a trip.\\n\\n<example>
                Context: The user is back home and has photos.
                user: "Rate the hotels we stayed in"
                assistant: "I'll use the critic agent."
                </example>
                model: opus
                ---
                You review trips.
                """);
        MarketplaceFixtures.write(p.resolve("commands/plan.md"), """
                ---
                description: Plans a trip
                ---
                Example: /trip-kit:plan Weekend in Lisbon with kids
                """);
        MarketplaceFixtures.write(p.resolve("skills/packing/SKILL.md"), """
                ---
                name: packing
                description: Packing lists
                ---
                ## Examples
                User: "What do I pack for a rainy week?"
                """);
        MarketplaceFixtures.write(p.resolve("README.md"), """
                # Trip kit
                ```
                "Find a quiet beach near Faro"
                ```
                Or run /plan a cheap week in Porto
                """);
        // the marketplace's own docs show commands in use, fully qualified
        MarketplaceFixtures.write(m.resolve("docs/usage.md"), """
                /trip-kit:plan "Two days in Sintra"
                /ghost-kit:plan A plugin that is not in this marketplace
                /plan an unqualified call is not attributed from marketplace docs
                """);
        Marketplace loaded = MarketplaceFolderLoader.load(m, "folder", m.toString());
        Plugin trip = loaded.plugins().get(0);
        Map<String, List<String>> ex = trip.components().stream().collect(Collectors.toMap(Component::name, Component::examples));
        assertEquals(List.of("Where should we eat in Lisbon?"), ex.get("guide"));
        assertEquals(List.of("The user is back home and has photos.", "Rate the hotels we stayed in"), ex.get("critic"));
        assertTrue(trip.warnings().stream().anyMatch(w -> w.contains("critic.md") && w.contains("not valid YAML")), trip.warnings().toString());
        assertEquals(List.of("Weekend in Lisbon with kids", "a cheap week in Porto", "Two days in Sintra"), ex.get("plan"));
        assertEquals(List.of("What do I pack for a rainy week?"), ex.get("packing"));
        assertEquals(List.of("Find a quiet beach near Faro"), trip.examples());
        assertEquals("Use this agent for itineraries.", trip.components(ComponentKind.AGENT).stream()
                        .filter(c -> c.name().equals("guide")).findFirst().orElseThrow().description(),
                "the shown description stays the cleaned one");
    }
}
