package dev.metaorch.mcp;

/**
 * What a tool may do while it runs besides answering: report progress (sent as MCP
 * {@code notifications/progress} when the client gave a progress token) and log (MCP log
 * notifications, and stderr). The CLI and tests use {@link #NONE} or their own.
 */
public interface ToolContext {

    ToolContext NONE = new ToolContext() {
        @Override
        public void progress(double progress, Double total, String message) {
        }

        @Override
        public void log(String level, String message) {
        }
    };

    /** Reports progress; a no-op when the caller asked for none. */
    void progress(double progress, Double total, String message);

    /** Logs a message for the client ({@code level}: debug, info, warning, error). */
    void log(String level, String message);
}
