package dev.metaorch.testing;

import java.util.ArrayList;
import java.util.List;

import dev.metaorch.Services;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes every {@link Services} a test opened through {@link #track} once the test ends, before JUnit deletes its
 * {@code @TempDir}: closing lets an index file still being written in the background finish, where it used to race
 * the temporary folder's deletion ("Failed to close extension context"). Registered for every test through
 * {@code META-INF/services} (autodetection is on in {@code junit-platform.properties}).
 */
public final class ClosesServices implements AfterEachCallback {

    private static final ThreadLocal<List<Services>> OPEN = ThreadLocal.withInitial(ArrayList::new);

    /** Closes {@code s} when the current test ends; returns it. */
    public static Services track(Services s) {
        OPEN.get().add(s);
        return s;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<Services> open = OPEN.get();
        try {
            for (Services s : open) {
                s.close();
            }
        } finally {
            open.clear();
        }
    }
}
