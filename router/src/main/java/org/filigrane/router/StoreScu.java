package org.filigrane.router;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.CStoreRequestCommandMessage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Storage SCU for one association: proposes each (SOP class, transfer syntax) of the files to send, plus Explicit
 * and Implicit VR Little Endian per SOP class; sends each file's data set as stored when its own transfer syntax was
 * accepted (no re-encoding), else converted to Explicit VR Little Endian with PixelMed; waits for each response.
 * Command messages are PixelMed's; the association and P-DATA framing are written here so that the socket has
 * TCP_NODELAY (PixelMed's initiator leaves Nagle's algorithm on, which costs a delayed ACK, about 40 ms, per
 * C-STORE of a small instance).
 */
final class StoreScu implements AutoCloseable {
    private static final int OUR_MAX_PDU = 1 << 20;
    private static final String APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";
    private static final String IMPLEMENTATION_UID = "2.25.83718327201186354213890283529412083471";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final int fragment;
    /** SOP class -> transfer syntax -> accepted presentation context id. */
    private final Map<String, Map<String, Integer>> accepted = new HashMap<>();
    private int messageId;

    /** The SOP class and transfer syntax of a Part 10 file and where its data set starts. */
    record FileInfo(Path file, String sopClass, String sopInstance, String transferSyntax, long datasetOffset) {
        static FileInfo of(Path file) throws IOException {
            AttributeList meta = new AttributeList();
            try {
                meta.readOnlyMetaInformationHeader(file.toString());
            } catch (DicomException e) {
                throw new IOException(file + ": unreadable file meta header: " + e.getMessage(), e);
            }
            long offset = -1;
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                byte[] h = new byte[144];
                raf.readFully(h);
                // (0002,0000) UL, explicit VR little endian, right after the preamble and "DICM"
                if (h[132] == 2 && h[133] == 0 && h[134] == 0 && h[135] == 0 && h[136] == 'U' && h[137] == 'L') {
                    long groupLength = (h[140] & 0xffL) | (h[141] & 0xffL) << 8 | (h[142] & 0xffL) << 16
                            | (h[143] & 0xffL) << 24;
                    offset = 144 + groupLength;
                }
            }
            return new FileInfo(file, text(meta, TagFromName.MediaStorageSOPClassUID),
                    text(meta, TagFromName.MediaStorageSOPInstanceUID), text(meta, TagFromName.TransferSyntaxUID),
                    offset);
        }
    }

    StoreScu(String host, int port, String calledAe, String callingAe, List<FileInfo> files, int timeoutMs)
            throws IOException {
        Map<String, Set<String>> proposals = new LinkedHashMap<>();
        for (FileInfo f : files) {
            proposals.computeIfAbsent(f.sopClass(), k -> new LinkedHashSet<>()).add(f.transferSyntax());
        }
        List<String[]> contexts = new ArrayList<>(); // {abstract syntax, ts...}
        for (Map.Entry<String, Set<String>> e : proposals.entrySet()) {
            for (String ts : e.getValue()) {
                contexts.add(new String[] {e.getKey(), ts});
            }
            contexts.add(new String[] {e.getKey(), TransferSyntax.ExplicitVRLittleEndian,
                    TransferSyntax.ImplicitVRLittleEndian});
        }
        if (contexts.size() > 128) {
            throw new IOException("too many SOP class/transfer syntax combinations for one association");
        }
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMs);
        socket.connect(new InetSocketAddress(host, port), timeoutMs);
        in = socket.getInputStream();
        out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        out.write(associateRequest(calledAe, callingAe, contexts));
        out.flush();
        byte[] header = readHeader();
        byte[] body = readBody(header);
        if (header[0] == 0x03) {
            close();
            throw new IOException("association rejected by " + calledAe + " (result " + (body[1] & 0xff)
                    + ", source " + (body[2] & 0xff) + ", reason " + (body[3] & 0xff) + ")");
        }
        if (header[0] != 0x02) {
            close();
            throw new IOException("unexpected PDU 0x" + Integer.toHexString(header[0] & 0xff) + " instead of an "
                    + "A-ASSOCIATE-AC");
        }
        int peerMax = 0;
        int p = 68;
        while (p + 4 <= body.length) {
            int type = body[p] & 0xff;
            int len = u16(body, p + 2);
            int v = p + 4;
            if (type == 0x21 && (body[v + 2] & 0xff) == 0) {
                int id = body[v] & 0xff;
                String[] ctx = contexts.get((id - 1) / 2);
                int q = v + 4;
                while (q + 4 <= v + len) {
                    int subLen = u16(body, q + 2);
                    if ((body[q] & 0xff) == 0x40) {
                        String ts = new String(body, q + 4, subLen, StandardCharsets.US_ASCII).trim()
                                .replace("\0", "");
                        accepted.computeIfAbsent(ctx[0], k -> new HashMap<>()).putIfAbsent(ts, id);
                    }
                    q += 4 + subLen;
                }
            } else if (type == 0x50) {
                int q = v;
                while (q + 4 <= v + len) {
                    int subLen = u16(body, q + 2);
                    if ((body[q] & 0xff) == 0x51 && subLen == 4) {
                        peerMax = (int) Math.min(Integer.MAX_VALUE, ((body[q + 4] & 0xffL) << 24)
                                | ((body[q + 5] & 0xffL) << 16) | ((body[q + 6] & 0xffL) << 8) | (body[q + 7] & 0xffL));
                    }
                    q += 4 + subLen;
                }
            }
            p = v + len;
        }
        int max = peerMax <= 0 ? OUR_MAX_PDU : Math.min(peerMax, OUR_MAX_PDU);
        fragment = Math.max(16, max - 6);
    }

    /** Sends one file; returns the C-STORE response status (0 success, 0xBxxx warning, else failure). */
    int store(FileInfo f) throws IOException {
        Map<String, Integer> forClass = accepted.getOrDefault(f.sopClass(), Map.of());
        Integer pc = forClass.get(f.transferSyntax());
        byte[] converted = null;
        if (pc == null || f.datasetOffset() < 0) {
            pc = forClass.get(TransferSyntax.ExplicitVRLittleEndian);
            String ts = TransferSyntax.ExplicitVRLittleEndian;
            if (pc == null) {
                pc = forClass.get(TransferSyntax.ImplicitVRLittleEndian);
                ts = TransferSyntax.ImplicitVRLittleEndian;
            }
            if (pc == null) {
                return 0x0122; // the destination takes this SOP class in none of our transfer syntaxes
            }
            converted = convert(f.file(), ts);
        }
        byte[] command;
        try {
            CStoreRequestCommandMessage rq = new CStoreRequestCommandMessage(f.sopClass(), f.sopInstance());
            messageId = rq.getMessageID();
            command = rq.getBytes();
        } catch (DicomException e) {
            throw new IOException("cannot build the C-STORE request: " + e.getMessage(), e);
        }
        writePdv(pc, 0x03, command, 0, command.length);
        if (converted != null) {
            for (int off = 0; off < converted.length || off == 0; off += fragment) {
                int n = Math.min(fragment, converted.length - off);
                writePdv(pc, off + n >= converted.length ? 0x02 : 0x00, converted, off, n);
                if (converted.length == 0) {
                    break;
                }
            }
        } else {
            try (RandomAccessFile raf = new RandomAccessFile(f.file().toFile(), "r")) {
                long left = raf.length() - f.datasetOffset();
                raf.seek(f.datasetOffset());
                byte[] buf = new byte[(int) Math.min(fragment, Math.max(left, 1))];
                do {
                    int n = (int) Math.min(buf.length, left);
                    raf.readFully(buf, 0, n);
                    left -= n;
                    writePdv(pc, left == 0 ? 0x02 : 0x00, buf, 0, n);
                } while (left > 0);
            }
        }
        out.flush();
        return readResponseStatus();
    }

    void release() throws IOException {
        out.write(new byte[] {0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0});
        out.flush();
        byte[] h = readHeader();
        readBody(h);
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private int readResponseStatus() throws IOException {
        ByteArrayOutputStream command = new ByteArrayOutputStream();
        while (true) {
            byte[] h = readHeader();
            byte[] body = readBody(h);
            if (h[0] != 0x04) {
                throw new IOException(h[0] == 0x07 ? "the destination aborted the association"
                        : "unexpected PDU 0x" + Integer.toHexString(h[0] & 0xff) + " while waiting for a response");
            }
            int p = 0;
            boolean last = false;
            while (p + 6 <= body.length) {
                int itemLen = (int) (((body[p] & 0xffL) << 24) | ((body[p + 1] & 0xffL) << 16)
                        | ((body[p + 2] & 0xffL) << 8) | (body[p + 3] & 0xffL));
                int control = body[p + 5] & 0xff;
                if ((control & 1) != 0) {
                    command.write(body, p + 6, itemLen - 2);
                    last |= (control & 2) != 0;
                }
                p += 4 + itemLen;
            }
            if (last) {
                break;
            }
        }
        AttributeList list = new AttributeList();
        try {
            list.read(new DicomInputStream(new ByteArrayInputStream(command.toByteArray()),
                    TransferSyntax.ImplicitVRLittleEndian, false));
        } catch (DicomException e) {
            throw new IOException("unreadable C-STORE response: " + e.getMessage(), e);
        }
        int responded = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.MessageIDBeingRespondedTo, -1);
        if (responded != messageId) {
            throw new IOException("response to message " + responded + ", expected " + messageId);
        }
        return Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, 0xffff);
    }

    private void writePdv(int pc, int control, byte[] data, int off, int len) throws IOException {
        int itemLen = len + 2;
        int pduLen = itemLen + 4;
        out.write(new byte[] {0x04, 0, (byte) (pduLen >>> 24), (byte) (pduLen >>> 16), (byte) (pduLen >>> 8),
                (byte) pduLen, (byte) (itemLen >>> 24), (byte) (itemLen >>> 16), (byte) (itemLen >>> 8),
                (byte) itemLen, (byte) pc, (byte) control});
        out.write(data, off, len);
    }

    private static byte[] convert(Path file, String ts) throws IOException {
        try {
            AttributeList list = new AttributeList();
            list.read(file.toString());
            list.removeMetaInformationHeaderAttributes();
            list.removeGroupLengthAttributes();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DicomOutputStream dos = new DicomOutputStream(bytes, null, ts);
            list.write(dos);
            dos.close();
            return bytes.toByteArray();
        } catch (DicomException e) {
            throw new IOException(file + ": cannot convert to " + ts + ": " + e.getMessage(), e);
        }
    }

    private static byte[] associateRequest(String calledAe, String callingAe, List<String[]> contexts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0);
        b.write(1); // protocol version
        b.write(0);
        b.write(0);
        b.writeBytes(ae(calledAe));
        b.writeBytes(ae(callingAe));
        b.writeBytes(new byte[32]);
        item(b, 0x10, ascii(APPLICATION_CONTEXT));
        for (int i = 0; i < contexts.size(); i++) {
            ByteArrayOutputStream pc = new ByteArrayOutputStream();
            pc.write(2 * i + 1);
            pc.writeBytes(new byte[3]);
            item(pc, 0x30, ascii(contexts.get(i)[0]));
            for (int t = 1; t < contexts.get(i).length; t++) {
                item(pc, 0x40, ascii(contexts.get(i)[t]));
            }
            item(b, 0x20, pc.toByteArray());
        }
        ByteArrayOutputStream user = new ByteArrayOutputStream();
        item(user, 0x51, new byte[] {(byte) (OUR_MAX_PDU >>> 24), (byte) (OUR_MAX_PDU >>> 16),
                (byte) (OUR_MAX_PDU >>> 8), (byte) OUR_MAX_PDU});
        item(user, 0x52, ascii(IMPLEMENTATION_UID));
        item(user, 0x55, ascii("FILIGRANE_010"));
        item(b, 0x50, user.toByteArray());
        byte[] body = b.toByteArray();
        ByteArrayOutputStream pdu = new ByteArrayOutputStream();
        pdu.writeBytes(new byte[] {0x01, 0, (byte) (body.length >>> 24), (byte) (body.length >>> 16),
                (byte) (body.length >>> 8), (byte) body.length});
        pdu.writeBytes(body);
        return pdu.toByteArray();
    }

    private static void item(ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >>> 8);
        out.write(value.length & 0xff);
        out.writeBytes(value);
    }

    private static byte[] ae(String ae) {
        return String.format("%-16s", ae).substring(0, 16).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    private byte[] readHeader() throws IOException {
        byte[] h = new byte[6];
        readFully(h);
        return h;
    }

    private byte[] readBody(byte[] header) throws IOException {
        long len = ((header[2] & 0xffL) << 24) | ((header[3] & 0xffL) << 16) | ((header[4] & 0xffL) << 8)
                | (header[5] & 0xffL);
        if (len > 64L * 1024 * 1024) {
            throw new IOException("PDU of " + len + " bytes refused");
        }
        byte[] body = new byte[(int) len];
        readFully(body);
        return body;
    }

    private void readFully(byte[] b) throws IOException {
        int off = 0;
        while (off < b.length) {
            int r = in.read(b, off, b.length - off);
            if (r < 0) {
                throw new EOFException("the destination closed the connection");
            }
            off += r;
        }
    }

    private static String text(AttributeList l, com.pixelmed.dicom.AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(l, tag).trim();
    }
}
