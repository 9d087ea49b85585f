package org.filigrane.router;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CEchoRequestCommandMessage;
import com.pixelmed.network.CEchoResponseCommandMessage;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CStoreResponseCommandMessage;
import com.pixelmed.network.DicomNetworkException;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The router's Storage SCP: accepts associations, answers C-ECHO and receives C-STORE, streaming each data set
 * straight into a spool file. The C-STORE response is sent only after {@link Sink#stored} returned, that is after
 * the instance is durably spooled (or refused with a failure status).
 *
 * <p>Association negotiation, command messages and responses are PixelMed's ({@link AssociationFactory},
 * {@link CStoreRequestCommandMessage}, {@link CStoreResponseCommandMessage}, {@link Association#send}); the P-DATA
 * loop is the router's own, because PixelMed's {@code StorageSOPClassSCP} always answers Success and cannot report
 * a failure status or release an association on a refused instance.
 */
final class DicomReceiver implements AutoCloseable {
    /** What the router does with what arrives. */
    interface Sink {
        /** The route for these AE titles, or null to reject the association. */
        RouterConfig.Route route(String callingAe, String calledAe);

        /** A complete data set in {@code file} (Part 10, fsynced): spool it durably or refuse it. */
        StoreResult stored(Peer peer, Path file, String sopClass, String sopInstance, String transferSyntax);

        /** The association ended: released by the sender ({@code released}) or aborted, or the connection broke. */
        void ended(Peer peer, boolean released);
    }

    /** One association, as the sink sees it. */
    record Peer(long id, String callingAe, String calledAe, String remote, RouterConfig.Route route) {
    }

    /** A C-STORE outcome: status 0 is success; any other is a DIMSE failure status with its reason. */
    record StoreResult(int status, String reason) {
        static final StoreResult OK = new StoreResult(0, null);
    }

    /** DIMSE statuses the router answers with (documented in the README). */
    static final int OUT_OF_RESOURCES = 0xA700;
    static final int CANNOT_UNDERSTAND = 0xC000;
    static final int REFUSED_LOSSY = 0xC001;
    static final int REFUSED_COLOUR = 0xC002;
    static final int REFUSED_UNSUPPORTED = 0xC003;

    private static final int PDU_MAX = 64 * 1024 * 1024;
    private static final int ASSOCIATE_TIMEOUT_MS = 30_000;
    private static final int IDLE_TIMEOUT_MS = 600_000;
    private static final String IMPLEMENTATION_UID = "2.25.83718327201186354213890283529412083471";
    private static final String IMPLEMENTATION_VERSION = "FILIGRANE_010";

    private final RouterConfig config;
    private final Path incoming;
    private final Sink sink;
    private final Log log;
    private final ServerSocket server;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "filigrane-association");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;

    DicomReceiver(RouterConfig config, Path incoming, Sink sink, Log log) throws IOException {
        this.config = config;
        this.incoming = incoming;
        this.sink = sink;
        this.log = log;
        this.server = new ServerSocket(config.port());
        Thread t = new Thread(this::acceptLoop, "filigrane-listener");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                connections.execute(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    log.error("accept_failed", "error", String.valueOf(e.getMessage()));
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.shutdownNow();
    }

    // ---- one connection ----

    private void serve(Socket socket) {
        long id = ids.incrementAndGet();
        String remote = String.valueOf(socket.getRemoteSocketAddress());
        Peer peer = null;
        boolean released = false;
        try (socket) {
            socket.setSoTimeout(ASSOCIATE_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            InputStream raw = socket.getInputStream();
            byte[] header = new byte[6];
            readFully(raw, header);
            int length = pduLength(header);
            if (header[0] != 0x01 || length < 68 || length > PDU_MAX) {
                log.warn("association_refused", "remote", remote, "reason", "first PDU is not an A-ASSOCIATE-RQ");
                return;
            }
            byte[] body = new byte[length];
            readFully(raw, body);
            String called = new String(body, 4, 16, StandardCharsets.US_ASCII).strip();
            String calling = new String(body, 20, 16, StandardCharsets.US_ASCII).strip();
            if (!config.calledAeTitles().contains(called)) {
                reject(socket, 7);
                log.warn("association_rejected", "remote", remote, "calling", calling, "called", called, "reason",
                        "called AE title not recognized");
                return;
            }
            RouterConfig.Route route = sink.route(calling, called);
            if (route == null) {
                reject(socket, 3);
                log.warn("association_rejected", "remote", remote, "calling", calling, "called", called, "reason",
                        "no route for this calling/called AE title pair");
                return;
            }
            byte[] request = new byte[6 + length];
            System.arraycopy(header, 0, request, 0, 6);
            System.arraycopy(body, 0, request, 6, length);
            ReplaySocket replay = new ReplaySocket(socket, request);
            Association association = AssociationFactory.createNewAssociation(replay, called, new AcceptPolicy());
            peer = new Peer(id, calling, called, remote, route);
            log.info("association_accepted", "association", id, "remote", remote, "calling", calling, "called",
                    called, "route", route.name());
            socket.setSoTimeout(IDLE_TIMEOUT_MS);
            released = dimseLoop(peer, association, replay.getInputStream(), socket.getOutputStream());
        } catch (EOFException | SocketException e) {
            if (peer != null) {
                log.warn("association_broken", "association", id, "error", String.valueOf(e.getMessage()));
            }
        } catch (IOException | DicomException | DicomNetworkException | RuntimeException e) {
            log.error("association_failed", "association", id, "remote", remote, "error", e.getClass().getSimpleName()
                    + ": " + e.getMessage());
        } finally {
            if (peer != null) {
                sink.ended(peer, released);
                log.info("association_ended", "association", id, "released", released);
            }
        }
    }

    /** Serves P-DATA until the sender releases (true) or aborts (false). */
    private boolean dimseLoop(Peer peer, Association association, InputStream in, OutputStream out)
            throws IOException, DicomException, DicomNetworkException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        Incoming current = null;
        byte[] header = new byte[6];
        try {
            while (true) {
                readFully(in, header);
                int type = header[0] & 0xff;
                int length = pduLength(header);
                if (length < 0 || length > PDU_MAX) {
                    abort(out);
                    return false;
                }
                if (type == 0x05) { // A-RELEASE-RQ
                    in.readNBytes(length);
                    out.write(new byte[] {0x06, 0, 0, 0, 0, 4, 0, 0, 0, 0}); // A-RELEASE-RP
                    out.flush();
                    return current == null;
                }
                if (type == 0x07) { // A-ABORT
                    return false;
                }
                if (type != 0x04) {
                    abort(out);
                    return false;
                }
                int remaining = length;
                while (remaining > 0) {
                    byte[] item = new byte[6];
                    readFully(in, item);
                    int itemLength = ((item[0] & 0xff) << 24) | ((item[1] & 0xff) << 16) | ((item[2] & 0xff) << 8)
                            | (item[3] & 0xff);
                    byte pcid = item[4];
                    int control = item[5] & 0xff;
                    int dataLength = itemLength - 2;
                    if (dataLength < 0 || itemLength + 4 > remaining) {
                        abort(out);
                        return false;
                    }
                    remaining -= itemLength + 4;
                    boolean isCommand = (control & 1) != 0;
                    boolean last = (control & 2) != 0;
                    if (isCommand) {
                        command.write(in.readNBytes(dataLength));
                        if (last) {
                            current = onCommand(peer, association, pcid, command.toByteArray());
                            command.reset();
                        }
                    } else {
                        if (current == null) {
                            abort(out);
                            return false;
                        }
                        current.write(in, dataLength);
                        if (last) {
                            Incoming done = current;
                            current = null;
                            finishStore(peer, association, done);
                        }
                    }
                }
            }
        } finally {
            if (current != null) {
                current.discard();
            }
        }
    }

    private Incoming onCommand(Peer peer, Association association, byte pcid, byte[] bytes)
            throws IOException, DicomException, DicomNetworkException {
        AttributeList list = new AttributeList();
        list.read(new DicomInputStream(new ByteArrayInputStream(bytes), TransferSyntax.ImplicitVRLittleEndian, false));
        int field = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandField, 0xffff);
        if (field == 0x0030) { // C-ECHO-RQ
            CEchoRequestCommandMessage rq = new CEchoRequestCommandMessage(list);
            association.send(pcid, new CEchoResponseCommandMessage(rq.getAffectedSOPClassUID(), rq.getMessageID(),
                    0x0000).getBytes(), null);
            log.info("echo", "association", peer.id(), "calling", peer.callingAe());
            return null;
        }
        if (field == 0x0001) { // C-STORE-RQ
            CStoreRequestCommandMessage rq = new CStoreRequestCommandMessage(list);
            String ts = association.getTransferSyntaxForPresentationContextID(pcid);
            return new Incoming(pcid, rq, ts, peer.callingAe());
        }
        throw new DicomNetworkException("unsupported DIMSE command 0x" + Integer.toHexString(field));
    }

    private void finishStore(Peer peer, Association association, Incoming in)
            throws IOException, DicomException, DicomNetworkException {
        StoreResult result;
        try {
            in.finish();
            result = sink.stored(peer, in.file, in.rq.getAffectedSOPClassUID(), in.rq.getAffectedSOPInstanceUID(),
                    in.ts);
        } catch (IOException e) {
            in.discard();
            log.error("spool_write_failed", "association", peer.id(), "sop", in.rq.getAffectedSOPInstanceUID(),
                    "error", String.valueOf(e.getMessage()));
            result = new StoreResult(OUT_OF_RESOURCES, "cannot spool: " + e.getMessage());
        }
        association.send(in.pcid, new CStoreResponseCommandMessage(in.rq.getAffectedSOPClassUID(),
                in.rq.getAffectedSOPInstanceUID(), in.rq.getMessageID(), result.status()).getBytes(), null);
    }

    /** A data set being received: Part 10 meta header from the command, then the data set's bytes as they come. */
    private final class Incoming {
        final byte pcid;
        final CStoreRequestCommandMessage rq;
        final String ts;
        final Path file;
        final FileOutputStream fileOut;
        final OutputStream out;

        Incoming(byte pcid, CStoreRequestCommandMessage rq, String ts, String callingAe) throws IOException {
            this.pcid = pcid;
            this.rq = rq;
            this.ts = ts;
            this.file = Files.createTempFile(incoming, "rx", ".part");
            this.fileOut = new FileOutputStream(file.toFile());
            this.out = new BufferedOutputStream(fileOut, 256 * 1024);
            out.write(metaHeader(rq.getAffectedSOPClassUID(), rq.getAffectedSOPInstanceUID(), ts, callingAe));
        }

        void write(InputStream in, int n) throws IOException {
            byte[] buf = new byte[Math.min(n, 64 * 1024)];
            int left = n;
            while (left > 0) {
                int r = in.read(buf, 0, Math.min(buf.length, left));
                if (r < 0) {
                    throw new EOFException("connection closed inside a data set");
                }
                out.write(buf, 0, r);
                left -= r;
            }
        }

        /** Flushed and fsynced: the bytes are on disk before anyone acknowledges them. */
        void finish() throws IOException {
            out.flush();
            fileOut.getFD().sync();
            out.close();
        }

        void discard() {
            try {
                out.close();
            } catch (IOException e) {
                // deleting anyway
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // an orphan .part is removed at the next start
            }
        }
    }

    // ---- encoding ----

    /** Preamble, "DICM" and the file meta group (Explicit VR Little Endian) for a received data set. */
    static byte[] metaHeader(String sopClass, String sopInstance, String ts, String sourceAe) {
        ByteArrayOutputStream group = new ByteArrayOutputStream();
        element(group, 0x0001, "OB", new byte[] {0, 1});
        element(group, 0x0002, "UI", uid(sopClass));
        element(group, 0x0003, "UI", uid(sopInstance));
        element(group, 0x0010, "UI", uid(ts));
        element(group, 0x0012, "UI", uid(IMPLEMENTATION_UID));
        element(group, 0x0013, "SH", text(IMPLEMENTATION_VERSION));
        if (sourceAe != null && !sourceAe.isEmpty()) {
            element(group, 0x0016, "AE", text(sourceAe));
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(new byte[128]);
        all.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
        byte[] g = group.toByteArray();
        element(all, 0x0000, "UL", new byte[] {(byte) g.length, (byte) (g.length >> 8), (byte) (g.length >> 16),
                (byte) (g.length >> 24)});
        all.writeBytes(g);
        return all.toByteArray();
    }

    private static byte[] uid(String s) {
        byte[] b = s.strip().getBytes(StandardCharsets.US_ASCII);
        return b.length % 2 == 0 ? b : java.util.Arrays.copyOf(b, b.length + 1);
    }

    private static byte[] text(String s) {
        String t = s.length() % 2 == 0 ? s : s + " ";
        return t.getBytes(StandardCharsets.US_ASCII);
    }

    private static void element(ByteArrayOutputStream out, int element, String vr, byte[] value) {
        out.write(0x02);
        out.write(0x00);
        out.write(element & 0xff);
        out.write(element >> 8);
        out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
        if (vr.equals("OB")) {
            out.write(0);
            out.write(0);
            int n = value.length;
            out.writeBytes(new byte[] {(byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24)});
        } else {
            out.write(value.length & 0xff);
            out.write(value.length >> 8);
        }
        out.writeBytes(value);
    }

    private static int pduLength(byte[] header) {
        return ((header[2] & 0xff) << 24) | ((header[3] & 0xff) << 16) | ((header[4] & 0xff) << 8)
                | (header[5] & 0xff);
    }

    private static void readFully(InputStream in, byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int r = in.read(b, off, b.length - off);
            if (r < 0) {
                throw new EOFException("connection closed");
            }
            off += r;
        }
    }

    /** A-ASSOCIATE-RJ: rejected permanently by the service user for {@code reason} (3 calling, 7 called AE). */
    private static void reject(Socket socket, int reason) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(new byte[] {0x03, 0, 0, 0, 0, 4, 0, 1, 1, (byte) reason});
        out.flush();
    }

    private static void abort(OutputStream out) {
        try {
            out.write(new byte[] {0x07, 0, 0, 0, 0, 4, 0, 0, 2, 0});
            out.flush();
        } catch (IOException e) {
            // the connection is going away anyway
        }
    }
}
