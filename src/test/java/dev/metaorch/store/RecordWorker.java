package dev.metaorch.store;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.metaorch.Services;
import dev.metaorch.cli.Main;
import dev.metaorch.mcp.ToolContext;
import dev.metaorch.mcp.ToolResult;
import dev.metaorch.mcp.Tools;
import dev.metaorch.mcp.tools.RecordOutcomeTool;
import dev.metaorch.util.Options;

/**
 * A separate process that records outcomes through the record_outcome tool handler, as a server process
 * would: {@code RecordWorker HOME CATALOG_DIR WORKER_ID COUNT THREADS} (COUNT -1: until killed).
 * Prints "ready" after its first record, "done N" at the end.
 */
public final class RecordWorker {

    public static void main(String[] a) throws Exception {
        String home = a[0];
        String catalog = a[1];
        String worker = a[2];
        int count = Integer.parseInt(a[3]);
        int threads = Integer.parseInt(a[4]);
        PrintStream out = System.out;
        Services services = Main.services(Options.parse("record", "--home", home, "--catalog", catalog), Map.of());
        services.markReady();
        var tool = Tools.byName(services, RecordOutcomeTool.NAME);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        String[] tasks = {"Build a REST API with JWT authentication", "Set up CI for the monorepo", "Write unit tests for the parser"};
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                while (true) {
                    int i = next.getAndIncrement();
                    if (count >= 0 && i >= count) {
                        return;
                    }
                    Map<String, Object> args = new LinkedHashMap<>();
                    args.put("execution_id", worker + "-" + i);
                    args.put("task", tasks[i % tasks.length]);
                    args.put("status", i % 5 == 0 ? "failure" : "success");
                    args.put("duration_seconds", 1 + i % 7);
                    args.put("domain", "test-domain-" + (i % tasks.length));
                    args.put("plugin_sequence", List.of("p" + (i % tasks.length) + "@m", "shared@m"));
                    if (i % 5 == 0) {
                        args.put("errors", List.of("exit code " + i + " at /tmp/x/" + i));
                    }
                    ToolResult r = tool.call(args, ToolContext.NONE);
                    if (r.error()) {
                        errors.incrementAndGet();
                        System.err.println("error: " + r.text());
                    }
                    if (i == 0) {
                        out.println("ready");
                        out.flush();
                    }
                }
            });
            th.start();
            ts.add(th);
        }
        for (Thread th : ts) {
            th.join();
        }
        out.println("done " + next.get() + " errors " + errors.get());
        out.flush();
        System.exit(errors.get() == 0 ? 0 : 1);
    }
}
