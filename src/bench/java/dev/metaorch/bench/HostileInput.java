package dev.metaorch.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.metaorch.util.Json;
import tools.jackson.databind.JsonNode;

/**
 * Generates hostile JSON-RPC traffic for every tool the server lists: broken JSON, wrong shapes and
 * versions, unknown methods, wrong argument types, missing fields, 10 MB strings, deep nesting,
 * invalid UTF-8, ids with {@code ../} or NUL, Cypher- and shell-shaped strings, huge and negative
 * numbers. Each message says whether the server owes it an answer (a usable id) or not.
 */
public final class HostileInput {

    /** One generated message: raw bytes (no newline), the id a response must carry (or null), its category. */
    public record Message(byte[] bytes, Object expectId, String category) {
    }

    /** A tool's argument properties and their declared JSON types, from tools/list. */
    public record ToolShape(String name, Map<String, String> properties, List<String> required) {
    }

    static final List<String> NASTY_STRINGS = List.of(
            "x'}) DETACH DELETE n //", "MATCH (n) DETACH DELETE n", "\"; DROP TABLE plugins; --",
            "$(rm -rf /tmp/should-not-exist)", "`reboot`", "; cat /etc/passwd", "| nc 127.0.0.1 9 ",
            "../../../../etc/passwd", "..\\..\\windows\\system32", "/etc/shadow", "a\u0000b", "\u0000",
            "%s%s%s%n", "{{7*7}}", "${jndi:ldap://127.0.0.1/x}", "<script>alert(1)</script>", "\uFFFF\uFFFE",
            "\uD83D\uDE00 emoji", "", " ", "\n\r\t", "-1", "NaN", "null", "true", "[]", "{}");

    private final Random random;
    private final List<ToolShape> tools;
    private long next;

    public HostileInput(long seed, List<ToolShape> tools) {
        this.random = new Random(seed);
        this.tools = List.copyOf(tools);
    }

    /** Reads tool shapes from a tools/list response. */
    public static List<ToolShape> shapes(JsonNode toolsListResponse) {
        List<ToolShape> out = new ArrayList<>();
        for (JsonNode t : toolsListResponse.path("result").path("tools")) {
            Map<String, String> props = new LinkedHashMap<>();
            JsonNode p = t.path("inputSchema").path("properties");
            for (Iterator<Map.Entry<String, JsonNode>> it = p.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode type = e.getValue().path("type");
                props.put(e.getKey(), type.isString() ? type.asString() : type.isArray() && !type.isEmpty() ? type.get(0).asString() : "string");
            }
            List<String> req = new ArrayList<>();
            t.path("inputSchema").path("required").forEach(r -> req.add(r.asString()));
            out.add(new ToolShape(t.path("name").asString(), props, req));
        }
        return out;
    }

    public List<Message> generate(int n) {
        List<Message> out = new ArrayList<>(n);
        int huge = Math.max(3, n / 2000);
        for (int i = 0; i < n; i++) {
            if (i % (n / huge + 1) == 7) {
                out.add(hugeString());
                continue;
            }
            int r = random.nextInt(100);
            if (r < 10) {
                out.add(brokenJson());
            } else if (r < 18) {
                out.add(wrongShape());
            } else if (r < 25) {
                out.add(unknownMethod());
            } else if (r < 30) {
                out.add(garbageNotification());
            } else if (r < 72) {
                out.add(hostileToolCall());
            } else if (r < 77) {
                out.add(deepNesting());
            } else if (r < 82) {
                out.add(invalidUtf8());
            } else if (r < 87) {
                out.add(hostileId());
            } else if (r < 92) {
                out.add(resourceOrPrompt());
            } else {
                out.add(wellFormed());
            }
        }
        return out;
    }

    private long id() {
        return 1_000_000L + next++;
    }

    private static Message json(Object msg, Object expectId, String category) {
        return new Message(Json.write(msg).getBytes(StandardCharsets.UTF_8), expectId, category);
    }

    private static Map<String, Object> request(Object id, String method, Object params) {
        return StdioProcess.requestMessage(id, method, params);
    }

    private Message brokenJson() {
        long id = id();
        String valid = Json.write(request(id, "tools/call", Map.of("name", "catalog_status", "arguments", Map.of())));
        return switch (random.nextInt(6)) {
            // truncated after the id: unparseable, so the answer is a parse error with id null
            case 0 -> new Message(valid.substring(0, valid.length() - 1 - random.nextInt(20)).getBytes(StandardCharsets.UTF_8), null, "broken-json");
            case 1 -> new Message(("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":tools/list}").getBytes(StandardCharsets.UTF_8), null, "broken-json");
            case 2 -> {
                byte[] b = new byte[1 + random.nextInt(200)];
                random.nextBytes(b);
                for (int i = 0; i < b.length; i++) {
                    if (b[i] == '\n' || b[i] == '\r') {
                        b[i] = 'x';
                    }
                }
                yield new Message(b, null, "broken-json");
            }
            case 3 -> new Message("{\"jsonrpc\": \"2.0\", \"method\": \"tools/list\", \"id\": }".getBytes(StandardCharsets.UTF_8), null, "broken-json");
            case 4 -> new Message("]]]}}}".getBytes(StandardCharsets.UTF_8), null, "broken-json");
            default -> new Message(("{'jsonrpc': '2.0', 'id': " + id + "}").getBytes(StandardCharsets.UTF_8), null, "broken-json");
        };
    }

    private Message wrongShape() {
        long id = id();
        Map<String, Object> m = new LinkedHashMap<>();
        switch (random.nextInt(8)) {
            case 0 -> {
                m.put("jsonrpc", "1.0");
                m.put("id", id);
                m.put("method", "tools/list");
            }
            case 1 -> {
                m.put("id", id);
                m.put("method", "tools/list");
            }
            case 2 -> {
                m.put("jsonrpc", 2.0);
                m.put("id", id);
                m.put("method", "tools/list");
            }
            case 3 -> {
                m.put("jsonrpc", "2.0");
                m.put("id", id);
                m.put("method", 42);
            }
            case 4 -> {
                m.put("jsonrpc", "2.0");
                m.put("id", id);
                m.put("method", "tools/call");
                m.put("params", "not an object");
            }
            case 5 -> {
                m.put("jsonrpc", "2.0");
                m.put("id", id);
                m.put("method", "tools/call");
                m.put("params", Map.of("name", 12, "arguments", "x"));
            }
            case 6 -> {
                m.put("jsonrpc", "2.0");
                m.put("id", id);
                m.put("method", "tools/call");
                m.put("params", Map.of("arguments", Map.of()));
            }
            default -> {
                return json(List.of(request(id, "tools/list", null)), null, "wrong-shape");
            }
        }
        return json(m, id, "wrong-shape");
    }

    private Message unknownMethod() {
        long id = id();
        String[] methods = {"tools/execute", "admin/shutdown", "", "../../etc", "resources/write", "rpc.discover", "initialize2",
                "prompts/run", "\u0000", "tools/call/../list"};
        String method = methods[random.nextInt(methods.length)];
        if (method.isEmpty()) {
            return json(request(id, method, Map.of()), id, "unknown-method");
        }
        return json(request(id, method, Map.of("x", 1)), id, "unknown-method");
    }

    private Message garbageNotification() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jsonrpc", "2.0");
        m.put("method", random.nextBoolean() ? "notifications/cancelled" : "notifications/" + random.nextInt(1000));
        m.put("params", Map.of("requestId", "nope", "reason", NASTY_STRINGS.get(random.nextInt(NASTY_STRINGS.size()))));
        return json(m, null, "notification");
    }

    private Object wrongValue(String type) {
        return switch (type) {
            case "string" -> switch (random.nextInt(4)) {
                case 0 -> 12345;
                case 1 -> Map.of("a", 1);
                case 2 -> List.of("x");
                default -> true;
            };
            case "integer", "number" -> switch (random.nextInt(7)) {
                case 0 -> "abc";
                case 1 -> 1.5;
                case 2 -> -1;
                case 3 -> Long.MAX_VALUE;
                case 4 -> -9_999_999_999L;
                case 5 -> 1e308;
                default -> List.of(1);
            };
            case "boolean" -> random.nextBoolean() ? "yes" : 1;
            case "array" -> random.nextBoolean() ? "x" : List.of(1, Map.of(), List.of());
            case "object" -> random.nextBoolean() ? "x" : List.of();
            default -> null;
        };
    }

    private Object nastyValue(String type) {
        return switch (type) {
            case "string" -> NASTY_STRINGS.get(random.nextInt(NASTY_STRINGS.size()));
            case "integer", "number" -> random.nextBoolean() ? Integer.MAX_VALUE : -100;
            case "boolean" -> random.nextBoolean();
            case "array" -> List.of(NASTY_STRINGS.get(random.nextInt(NASTY_STRINGS.size())), "../x");
            case "object" -> Map.of("$where", "1", "../", NASTY_STRINGS.get(random.nextInt(NASTY_STRINGS.size())));
            default -> "x";
        };
    }

    private Message hostileToolCall() {
        long id = id();
        if (tools.isEmpty()) {
            return unknownMethod();
        }
        ToolShape t = tools.get(random.nextInt(tools.size()));
        Map<String, Object> args = new LinkedHashMap<>();
        int mode = random.nextInt(5);
        for (Map.Entry<String, String> p : t.properties().entrySet()) {
            if (mode == 0 && t.required().contains(p.getKey())) {
                continue; // missing required fields
            }
            if (random.nextInt(3) == 0 && mode != 0) {
                continue;
            }
            args.put(p.getKey(), mode == 1 ? wrongValue(p.getValue()) : nastyValue(p.getValue()));
        }
        if (mode == 4) {
            args.put("unexpected_" + random.nextInt(100), "x");
        }
        Object arguments = mode == 3 && random.nextBoolean() ? "not-an-object" : args;
        return json(request(id, "tools/call", Map.of("name", t.name(), "arguments", arguments)), id, "tool-call");
    }

    private Message hugeString() {
        long id = id();
        String big = "a".repeat(10 * 1024 * 1024);
        String tool = tools.isEmpty() ? "catalog_status" : tools.get(random.nextInt(tools.size())).name();
        return json(request(id, "tools/call", Map.of("name", tool, "arguments", Map.of("task", big))), id, "10MB-string");
    }

    private Message deepNesting() {
        long id = id();
        int depth = random.nextBoolean() ? 20 + random.nextInt(150) : 300 + random.nextInt(3000);
        String prefix = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"catalog_status\",\"arguments\":{\"x\":";
        String body = "[".repeat(depth) + "]".repeat(depth);
        // Within the parser's nesting limit the id is usable and a tool result is owed; beyond it the
        // message is refused at parse time and answered with a parse error (id null).
        Object expect = depth + 4 <= dev.metaorch.util.Json.MAX_NESTING ? id : null;
        return new Message((prefix + body + "}}}").getBytes(StandardCharsets.UTF_8), expect, "deep-nesting");
    }

    private Message invalidUtf8() {
        long id = id();
        String tool = tools.isEmpty() ? "catalog_status" : tools.get(random.nextInt(tools.size())).name();
        byte[] head = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{\"task\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xE2, (byte) 0x82};
        byte[] tail = "\"}}}".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
        return new Message(all, id, "invalid-utf8");
    }

    private Message hostileId() {
        String[] ids = {"../../etc/passwd", "a\u0000b", "..", "/", "run://../x", "\u0000", "x'}) DETACH DELETE n //", "$(id)"};
        String id = ids[random.nextInt(ids.length)] + "#" + next++;
        String method = random.nextBoolean() ? "tools/list" : "ping";
        return json(request(id, method, Map.of()), id, "hostile-id");
    }

    private Message resourceOrPrompt() {
        long id = id();
        String[] uris = {"pattern://../../etc/passwd", "workflow://%2e%2e/x", "run://\u0000", "plugin://x'})//",
                "catalog://summary", "file:///etc/passwd", "pattern://", "::::"};
        if (random.nextBoolean()) {
            return json(request(id, "resources/read", Map.of("uri", uris[random.nextInt(uris.length)])), id, "resource");
        }
        return json(request(id, "prompts/get", Map.of("name", random.nextBoolean() ? "research" : "../x",
                "arguments", Map.of("task", NASTY_STRINGS.get(random.nextInt(NASTY_STRINGS.size()))))), id, "prompt");
    }

    private Message wellFormed() {
        long id = id();
        return switch (random.nextInt(3)) {
            case 0 -> json(request(id, "tools/list", Map.of()), id, "well-formed");
            case 1 -> json(request(id, "ping", null), id, "well-formed");
            default -> json(request(id, "tools/call", Map.of("name", "catalog_status", "arguments", Map.of("include_warnings", false))), id, "well-formed");
        };
    }
}
