package dev.metaorch.recommend;

/** An item of a ranking with its score (higher is better). */
public record Scored<T>(T item, double score) {
}
