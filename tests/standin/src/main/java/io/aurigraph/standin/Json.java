package io.aurigraph.standin;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.LinkedHashMap;
import java.util.Map;

/** Small helpers to build ordered JSON objects and responses. */
public final class Json {
    private Json() {
    }

    public static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    public static Response response(int status, Object body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body).build();
    }

    public static Response ok(Object body) {
        return response(200, body);
    }

    public static Response error(int status, String message) {
        return response(status, obj("error", message, "timestamp", System.currentTimeMillis()));
    }
}
