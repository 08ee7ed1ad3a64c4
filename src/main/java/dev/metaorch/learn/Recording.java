package dev.metaorch.learn;

import java.util.List;

/**
 * What record_outcome hands the pattern store: the outcome itself and what the outcome does not carry.
 *
 * @param outcome     the finished execution (from a run, or reported explicitly)
 * @param sequence    the plugin sequence that ran; empty means "take it from the outcome's steps" or,
 *                    when the outcome names a pattern, that pattern's sequence
 * @param domain      the task's domain, or null to infer it from the plugins' catalog categories
 * @param errors      workflow-level errors (step errors are in the outcome's steps)
 * @param fix         what fixed the workflow-level errors, when something did
 */
public record Recording(Outcome outcome, List<Pattern.Step> sequence, String domain, String subdomain,
                        List<String> tags, List<String> environmentRequirements, List<String> errors, String fix) {

    public Recording {
        sequence = sequence == null ? List.of() : List.copyOf(sequence);
        tags = tags == null ? List.of() : List.copyOf(tags);
        environmentRequirements = environmentRequirements == null ? List.of() : List.copyOf(environmentRequirements);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static Recording of(Outcome outcome) {
        return new Recording(outcome, List.of(), null, null, List.of(), List.of(), List.of(), null);
    }
}
