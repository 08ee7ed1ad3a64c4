package dev.metaorch.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import dev.metaorch.catalog.Marketplace;
import dev.metaorch.catalog.Plugin;

/**
 * A large catalog for latency measurements, generated from a real one: words drawn with their real
 * frequencies (component bodies of 40-160 words when the real catalog has bodies), component counts and kinds drawn from real plugins, categories from real ones. Seeded, so
 * every run indexes the same catalog.
 */
public final class SyntheticCatalog {

    private SyntheticCatalog() {
    }

    public static Catalog generate(Catalog real, int plugins, long seed) {
        Random rnd = new Random(seed);
        List<String> words = new ArrayList<>();
        List<String> bodyWords = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        for (Plugin p : real.plugins()) {
            addWords(words, p.description());
            p.keywords().forEach(k -> addWords(words, k));
            if (p.category() != null) {
                categories.add(p.category());
            }
            for (Component c : p.components()) {
                addWords(words, c.name().replace('-', ' '));
                addWords(words, c.description());
                // a body's first words (what it is for), enough to draw from with real frequencies
                addWords(bodyWords, c.body().length() > 2000 ? c.body().substring(0, 2000) : c.body());
            }
        }
        if (bodyWords.isEmpty()) {
            bodyWords.addAll(words);
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the real catalog has no words to draw from");
        }
        if (categories.isEmpty()) {
            categories.add("general");
        }
        List<Plugin> real0 = real.plugins();
        int marketplaces = 5;
        List<List<Plugin>> byMarket = new ArrayList<>();
        for (int m = 0; m < marketplaces; m++) {
            byMarket.add(new ArrayList<>());
        }
        for (int i = 0; i < plugins; i++) {
            String market = "synthetic-" + (i % marketplaces);
            String name = pick(rnd, words) + "-" + pick(rnd, words) + "-" + i;
            Plugin template = real0.get(rnd.nextInt(real0.size()));
            List<Component> comps = new ArrayList<>();
            for (Component tc : template.components()) {
                if (tc.kind() == ComponentKind.HOOK) {
                    comps.add(Component.of(ComponentKind.HOOK, tc.name(), ""));
                    continue;
                }
                String cname = pick(rnd, words) + "-" + pick(rnd, words);
                // a body of 40-160 words when the real one has a body (folders), none for a snapshot
                Component made = Component.of(tc.kind(), cname, sentence(rnd, words, 8 + rnd.nextInt(30)));
                comps.add(tc.body().isBlank() ? made
                        : made.withText(sentence(rnd, bodyWords, 40 + rnd.nextInt(120)), tc.source()));
            }
            List<String> keywords = new ArrayList<>();
            for (int k = rnd.nextInt(5); k > 0; k--) {
                keywords.add(pick(rnd, words));
            }
            byMarket.get(i % marketplaces).add(new Plugin(null, name, market, "1.0.0",
                    sentence(rnd, words, 10 + rnd.nextInt(40)), categories.get(rnd.nextInt(categories.size())),
                    keywords, "bench", null, null, ".", null, true, true, comps, List.of(), null));
        }
        List<Marketplace> ms = new ArrayList<>();
        for (int m = 0; m < marketplaces; m++) {
            ms.add(new Marketplace("synthetic-" + m, "generated", "snapshot", byMarket.get(m), List.of()));
        }
        return new Catalog(ms, List.of(), Instant.now(), 1);
    }

    private static void addWords(List<String> out, String text) {
        for (String w : text.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (w.length() > 1) {
                out.add(w);
            }
        }
    }

    private static String pick(Random rnd, List<String> words) {
        return words.get(rnd.nextInt(words.size()));
    }

    private static String sentence(Random rnd, List<String> words, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(pick(rnd, words));
        }
        return sb.toString();
    }
}
