package dev.metaorch.recommend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.List;

import dev.metaorch.catalog.Catalog;
import dev.metaorch.catalog.Component;
import dev.metaorch.catalog.ComponentKind;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.junit.jupiter.api.Test;

/**
 * The shape of a built index that its build time depends on (the time itself is measured by {@code bench startup}
 * and {@code bench recommend}, not here): one plain segment per directory, the one flushed, and norms for every
 * field in every document even where a component has no examples, no body or no plugin around it.
 */
class IndexBuilderTest {

    @Test
    void everyFieldHasANormInEveryDocumentOfOnePlainSegment() throws Exception {
        Catalog c = RecommenderTest.catalog(RecommenderTest.with(RecommenderTest.filler(5),
                RecommenderTest.plugin("bare", "alpha", "A plugin whose components are not described", "misc"),
                RecommenderTest.plugin("db-tuner", "beta", "Database helpers", "database",
                        Component.of(ComponentKind.COMMAND, "explain", "Explains and tunes slow SQL queries"),
                        Component.of(ComponentKind.AGENT, "indexer", ""))));
        IndexFiles.Contents built = IndexBuilder.contents(c, RelevanceConfig.DEFAULT);
        for (Directory dir : List.of(built.plugins(), built.components())) {
            SegmentInfos infos = SegmentInfos.readLatestCommit(dir);
            assertEquals(1, infos.size(), "one segment: document ids are insertion order");
            // a flushed compound segment would be rewritten by forceMerge(1) into a second one, "_1"
            assertEquals("_0", infos.info(0).info.name, "the segment the writer flushed, not a rewrite of it");
            assertFalse(infos.info(0).info.getUseCompoundFile());
            try (DirectoryReader r = DirectoryReader.open(dir)) {
                LeafReader leaf = r.leaves().get(0).reader();
                for (FieldInfo f : leaf.getFieldInfos()) {
                    if (f.hasNorms()) {
                        NumericDocValues norms = leaf.getNormValues(f.name);
                        assertNotNull(norms, f.name);
                        assertEquals(leaf.maxDoc(), norms.cost(), "documents with a norm in " + f.name);
                    }
                }
            }
        }
    }
}
