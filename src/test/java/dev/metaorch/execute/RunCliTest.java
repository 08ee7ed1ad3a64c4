package dev.metaorch.execute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.metaorch.cli.Main;
import dev.metaorch.config.Settings;
import dev.metaorch.learn.KnownIssueSource;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.util.Json;
import dev.metaorch.workflow.WorkflowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The CLI's {@code runs} and {@code run show ID}, text and {@code --json}. */
class RunCliTest {

    @TempDir
    Path tmp;

    private String cli(int expectedExit, String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(buf, true, StandardCharsets.UTF_8), Map.of());
        assertEquals(expectedExit, code, "exit code of " + List.of(args));
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsAndRunShow() throws IOException {
        Path home = tmp.resolve("home");
        WorkflowStore wf = new WorkflowStore(home);
        wf.save(Specs.threeSteps("cli-flow"));
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        RunStore runs = new RunStore(new Settings(home, List.of(), List.of(), null, List.of()), wf, () -> KnownIssueSource.NONE);
        String id = (String) runs.start("cli-flow", ws.toString(), ToolContext.NONE).get("run_id");
        runs.report(id, 1, new StepReport("failure", Map.of(), "timeout talking to the model", 10, null), ToolContext.NONE);
        String catalog = Path.of(System.getProperty("shared.dir", "../shared"), "catalog", "claude-code-workflows.jsonl").toString();

        String table = cli(0, "runs", "--home", home.toString(), "--catalog", catalog);
        assertTrue(table.contains(id) && table.contains("running"), table);
        JsonNode list = Json.MAPPER.readTree(cli(0, "runs", "--json", "--home", home.toString(), "--catalog", catalog));
        assertEquals(id, list.path("runs").get(0).path("run_id").asString());

        String show = cli(0, "run", "show", id, "--home", home.toString(), "--catalog", catalog);
        assertTrue(show.contains("retry") && show.contains("fastapi-scaffolder"), show);
        JsonNode one = Json.MAPPER.readTree(cli(0, "run", "show", id, "--json", "--home", home.toString(), "--catalog", catalog));
        assertEquals("retry", one.path("steps").get(0).path("attempts").get(0).path("decision").asString());
        assertEquals(2, one.path("awaiting").path("attempt").asInt());

        cli(1, "run", "show", "no-such-run", "--home", home.toString(), "--catalog", catalog);
        cli(2, "run", "--home", home.toString(), "--catalog", catalog);
    }
}
