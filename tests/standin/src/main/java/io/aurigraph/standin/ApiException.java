package io.aurigraph.standin;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Map;

/** An error answer with a JSON body; mapped to its status by {@link Mapper}. */
public class ApiException extends RuntimeException {
    public final int status;
    public final transient Map<String, Object> body;

    public ApiException(int status, String message) {
        this(status, Json.obj("error", message, "timestamp", System.currentTimeMillis()));
    }

    public ApiException(int status, Map<String, Object> body) {
        super(String.valueOf(body.get("error")));
        this.status = status;
        this.body = body;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    @Provider
    public static class Mapper implements ExceptionMapper<ApiException> {
        @Override
        public Response toResponse(ApiException e) {
            return Json.response(e.status, e.body);
        }
    }

    @Provider
    public static class DbMapper implements ExceptionMapper<Database.UnavailableException> {
        @Override
        public Response toResponse(Database.UnavailableException e) {
            String m = e.getMessage();
            m = m.isEmpty() ? "Database unavailable" : Character.toUpperCase(m.charAt(0)) + m.substring(1);
            return Json.response(503, Json.obj("error", m,
                    "timestamp", System.currentTimeMillis()));
        }
    }
}
