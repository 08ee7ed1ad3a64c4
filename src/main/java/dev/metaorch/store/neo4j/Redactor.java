package dev.metaorch.store.neo4j;

/**
 * Removes the Neo4j password from any text before it is logged or returned. Driver and server messages
 * do not normally echo credentials, but a URI with user info or a misconfigured proxy could; this is the
 * last line of defence, applied to every message the Neo4j code lets out.
 */
public final class Redactor {

    private final String secret;

    public Redactor(String secret) {
        this.secret = secret == null || secret.isEmpty() ? null : secret;
    }

    public String clean(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        if (secret != null) {
            s = s.replace(secret, "***");
        }
        // user:password@host in any URI-looking text
        return s.replaceAll("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*:[^/@\\s]*@", "$1***@");
    }
}
