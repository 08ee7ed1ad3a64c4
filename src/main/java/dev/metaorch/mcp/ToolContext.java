package dev.metaorch.mcp;

import dev.metaorch.util.Progress;

/**
 * What a tool may do while it runs besides answering: report progress (sent as MCP
 * {@code notifications/progress} when the client gave a progress token) and log (MCP log
 * notifications, and stderr). The CLI and tests use {@link #NONE} or their own.
 */
public interface ToolContext extends Progress {

    ToolContext NONE = new ToolContext() {
        @Override
        public void progress(double progress, Double total, String message) {
        }

        @Override
        public void log(String level, String message) {
        }
    };
}
