package io.aurigraph.standin;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * JSON state files under the data directory, written atomically (temp file, fsync, rename).
 * {@code AURIGRAPH_STATE_STORE=memory} keeps the state in memory only (no file is read or written: every start
 * seeds afresh), so that benchmarks of bulk operations measure the client, not a whole-file rewrite per request.
 */
public final class StateFile {
    /** {@code file} (default) or {@code memory}; anything else stops the start-up with a clear message. */
    static final boolean MEMORY = memoryMode(Env.get("AURIGRAPH_STATE_STORE", "file"));

    /** Fields only (no isX()/getX() helpers), tolerant of fields added or removed between releases. */
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY);

    private StateFile() {
    }

    static boolean memoryMode(String store) {
        switch (store) {
            case "file":
                return false;
            case "memory":
                return true;
            default:
                throw new IllegalArgumentException("AURIGRAPH_STATE_STORE must be 'file' or 'memory', got '" + store + "'");
        }
    }

    public static <T> T read(Path file, TypeReference<T> type) {
        if (MEMORY || !Files.exists(file)) {
            return null;
        }
        try {
            return MAPPER.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new IllegalStateException("corrupt state file " + file + ": " + e.getMessage(), e);
        }
    }

    public static synchronized void write(Path file, Object value) {
        if (MEMORY) {
            return;
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            byte[] bytes = MAPPER.writeValueAsBytes(value);
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                out.write(bytes);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write state file " + file + ": " + e.getMessage(), e);
        }
    }
}
