package dev.metaorch.recommend;

import static dev.metaorch.recommend.IndexBuilder.*;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.Plugin;
import dev.metaorch.util.QueryTerms;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * Template families, read from the catalog's structure, and the names that are their boilerplate. A component whose
 * name, once its plugin's subject words are taken out ("langfuse-ci-integration" in langfuse-pack is
 * "ci-integration"), names components in at least {@link #FAMILY} plugins built for different things is a member of a
 * template family. A name a request writes is the family's boilerplate when members of at least {@link #FAMILY}
 * such plugins write it ("GitHub Actions" in every pack's CI skill): there it says nothing about the plugin.
 *
 * <p>Used for involvement ({@link AnalyzedQuery#involved()}): a name the request writes lifts specificity off a plugin
 * built for a vendor when the plugin writes it in its name, description, example requests or a component, not counting
 * components whose family has the name as boilerplate (nor the README, which lists those components).
 */
final class Templates {

    /** Plugins built for different things that must share a component name, or a name in it, to make it a template's. */
    static final int FAMILY = 3;

    private final IndexData data;
    /** Per plugin ordinal, per component position: its template family (null: not a member). */
    private final String[][] family;
    /** Per plugin ordinal: what it is built for (its subject words), null for a general plugin. */
    private final String[] subject;

    Templates(IndexData data) {
        this.data = data;
        List<Plugin> plugins = data.plugins;
        int n = plugins.size();
        String[][] keys = new String[n][];
        subject = new String[n];
        Map<String, Set<String>> subjectsByKey = new HashMap<>();
        for (int ord = 0; ord < n; ord++) {
            List<String> subjects = data.specificity.subjects(ord);
            List<Component> comps = plugins.get(ord).components();
            keys[ord] = new String[comps.size()];
            if (subjects.isEmpty()) {
                continue; // a general plugin's components are its own
            }
            subject[ord] = String.join(" ", subjects).toLowerCase(Locale.ROOT);
            Set<String> own = new HashSet<>(List.of(subject[ord].split(" ")));
            for (int i = 0; i < comps.size(); i++) {
                List<String> rest = new ArrayList<>(Specificity.words(comps.get(i).name()));
                rest.removeAll(own);
                if (!rest.isEmpty()) {
                    keys[ord][i] = String.join("-", rest);
                    subjectsByKey.computeIfAbsent(keys[ord][i], k -> new HashSet<>()).add(subject[ord]);
                }
            }
        }
        // a key names a family only when plugins built for enough different things share it
        for (String[] k : keys) {
            for (int i = 0; i < k.length; i++) {
                if (k[i] != null && subjectsByKey.get(k[i]).size() < FAMILY) {
                    k[i] = null;
                }
            }
        }
        family = keys;
    }

    /**
     * The plugins among {@code ords} (those whose text holds the name) that the name involves: general plugins, and
     * plugins built for something that write every word of the name in their name, description or example requests,
     * or in one field of a component (name, description, examples, body) whose family does not have the name as
     * boilerplate. Two index lookups, not a scan of the texts.
     */
    Set<Integer> involved(Collection<Integer> ords, String name) {
        Set<Integer> out = new HashSet<>();
        Set<Integer> specific = new HashSet<>();
        for (int ord : ords) {
            (subject[ord] == null ? out : specific).add(ord);
        }
        List<String> words = QueryTerms.tokens(data.analyzer, DESC, name);
        if (specific.isEmpty() || words.isEmpty()) {
            out.addAll(specific);
            return out;
        }
        for (Scored<Integer> d : IndexData.run(data.pluginSearcher, allWords(words, NAME, DESC, EXAMPLES), data.plugins.size())) {
            if (specific.contains(d.item())) {
                out.add(d.item());
            }
        }
        // the components that write the name, and per family the different subjects whose member does
        Map<String, Set<String>> writers = new HashMap<>();
        List<int[]> writing = new ArrayList<>();
        for (Scored<Integer> d : IndexData.run(data.componentSearcher, allWords(words, CNAME, CDESC, CEX, CBODY),
                data.compPlugin.length)) {
            int ord = data.compPlugin[d.item()];
            int i = data.compIndex[d.item()];
            if (!specific.contains(ord)) {
                continue;
            }
            if (i < 0) {
                out.add(ord); // a plugin standing in for its undescribed components: its own text
                continue;
            }
            writing.add(new int[] {ord, i});
            if (family[ord][i] != null) {
                writers.computeIfAbsent(family[ord][i], k -> new HashSet<>()).add(subject[ord]);
            }
        }
        for (int[] w : writing) {
            String f = family[w[0]][w[1]];
            if (f == null || writers.get(f).size() < FAMILY) {
                out.add(w[0]);
            }
        }
        return out;
    }

    /** Documents holding every word in one of the fields. */
    private static Query allWords(List<String> words, String... fields) {
        BooleanQuery.Builder any = new BooleanQuery.Builder();
        for (String f : fields) {
            BooleanQuery.Builder all = new BooleanQuery.Builder();
            for (String w : words) {
                all.add(new TermQuery(new Term(f, w)), BooleanClause.Occur.MUST);
            }
            any.add(all.build(), BooleanClause.Occur.SHOULD);
        }
        return any.build();
    }
}
