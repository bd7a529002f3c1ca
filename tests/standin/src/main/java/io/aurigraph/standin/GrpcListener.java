package io.aurigraph.standin;

import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Stand-in for the gRPC server port: a plain TCP listener that accepts connections (and closes them).
 * It speaks no gRPC; it exists so port checks and the "gRPC Server" readiness check behave as in production.
 */
@ApplicationScoped
public class GrpcListener {
    private static final Logger LOG = Logger.getLogger("aurigraph-standin");
    private volatile ServerSocket server;
    private volatile Thread thread;
    private final ExecutorService clients = new ThreadPoolExecutor(0, 64, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
            r -> {
                Thread t = new Thread(r, "grpc-standin-conn");
                t.setDaemon(true);
                return t;
            });

    public synchronized void start(int port) {
        String host = Env.quarkus("quarkus.grpc.server.host", Env.quarkus("quarkus.http.host", "0.0.0.0"));
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 50);
            server = s;
        } catch (IOException e) {
            LOG.errorf("FATAL: gRPC server could not bind %s:%d (%s): port %d seems to be in use by another process",
                    host, port, e.getMessage(), port);
            throw new IllegalStateException("gRPC port " + port + " is in use", e);
        }
        Thread t = new Thread(this::loop, "grpc-standin-acceptor");
        t.setDaemon(true);
        t.start();
        thread = t;
        LOG.infof("gRPC Server started on %s:%d (stand-in TCP listener)", host, port);
    }

    private void loop() {
        ServerSocket s = server;
        while (s != null && !s.isClosed()) {
            try {
                Socket c = s.accept();
                try {
                    clients.submit(() -> drain(c));
                } catch (RejectedExecutionException e) {
                    c.close(); // too many idle clients: refuse politely
                }
            } catch (IOException e) {
                if (s.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Hold the connection open, discarding what the client sends, until it closes or idles for 30 s. */
    private static void drain(Socket c) {
        try (c; InputStream in = c.getInputStream()) {
            c.setSoTimeout(30_000);
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // discard (no gRPC is spoken)
            }
        } catch (IOException e) {
            // client went away or idle timeout
        }
    }

    public boolean isBound() {
        ServerSocket s = server;
        return s != null && s.isBound() && !s.isClosed();
    }

    public synchronized void stop() {
        ServerSocket s = server;
        clients.shutdownNow();
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.debug("closing gRPC listener", e);
            }
        }
    }
}
