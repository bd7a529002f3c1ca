package io.aurigraph.standin;

import java.util.Locale;

/** Reads stand-in settings: environment variable first, then a system property of the same name. */
public final class Env {
    private Env() {
    }

    public static String get(String name, String def) {
        String v = System.getenv(name);
        if (v == null || v.isBlank()) {
            v = System.getProperty(name);
        }
        if (v == null || v.isBlank()) {
            return def;
        }
        return v.trim();
    }

    public static String get(String name) {
        return get(name, null);
    }

    public static long getLong(String name, long def) {
        String v = get(name);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    public static boolean getBool(String name, boolean def) {
        String v = get(name);
        if (v == null) {
            return def;
        }
        v = v.toLowerCase(Locale.ROOT);
        return v.equals("1") || v.equals("true") || v.equals("yes") || v.equals("on");
    }

    /**
     * A Quarkus-style setting: -Dprop wins over the QUARKUS_* environment variable (as in Quarkus), then default.
     */
    public static String quarkus(String property, String def) {
        String v = System.getProperty(property);
        if (v != null && !v.isBlank()) {
            return v.trim();
        }
        String envName = property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        v = System.getenv(envName);
        if (v != null && !v.isBlank()) {
            return v.trim();
        }
        return def;
    }
}
