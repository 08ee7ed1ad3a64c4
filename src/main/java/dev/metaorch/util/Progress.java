package dev.metaorch.util;

/**
 * What long work may say while it runs: progress (the MCP layer sends it as {@code notifications/progress} when the
 * client gave a progress token) and log lines (MCP log notifications, and stderr). The domain packages take this
 * instead of the MCP tool context; {@link #NONE} says nothing.
 */
public interface Progress {

    Progress NONE = new Progress() {
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
