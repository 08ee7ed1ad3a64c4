package dev.metaorch.workflow;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A concrete validation check of a workflow step, run relative to the run's workspace. Each carries
 * the reason it was chosen. Serialized with a {@code "type"} field and snake_case fields.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Check.FileExists.class, name = "file_exists"),
        @JsonSubTypes.Type(value = Check.HttpEndpoint.class, name = "http"),
        @JsonSubTypes.Type(value = Check.RegexInFile.class, name = "regex_in_file"),
        @JsonSubTypes.Type(value = Check.Command.class, name = "command")
})
public sealed interface Check {

    /** Why this check was chosen for this step and workspace. */
    String reason();

    /** A short label for progress messages. */
    String label();

    /** A file or folder (glob allowed: {@code *}, {@code **}) must exist under the workspace. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record FileExists(String path, String reason) implements Check {
        @Override
        public String label() {
            return "file exists: " + path;
        }
    }

    /** An HTTP endpoint (loopback unless config allows more) must answer with the expected status. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record HttpEndpoint(String url, int expectStatus, int timeoutSeconds, String reason) implements Check {
        @Override
        public String label() {
            return "http " + url + " -> " + expectStatus;
        }
    }

    /** A regular expression must match in a file under the workspace. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RegexInFile(String path, String regex, String reason) implements Check {
        @Override
        public String label() {
            return "regex /" + regex + "/ in " + path;
        }
    }

    /**
     * A program must succeed: an argument vector (never a shell string), the program on the allowlist
     * of config.yaml, run in {@code cwd} (relative to the workspace), within the timeout; exit code and
     * optional regex on the captured output decide.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Command(List<String> argv, String cwd, int timeoutSeconds, int expectExit, String outputRegex, String reason)
            implements Check {
        public Command {
            argv = List.copyOf(argv);
        }

        @Override
        public String label() {
            return "command " + String.join(" ", argv);
        }
    }
}
