package org.filigrane.router;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.SetOfDicomFiles;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.network.FindSOPClassSCU;
import com.pixelmed.network.IdentifierHandler;
import com.pixelmed.network.MultipleInstanceTransferStatusHandlerWithFileName;
import com.pixelmed.network.StorageSOPClassSCU;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Sends a series' outputs to a route's destination with {@link StoreScu} (one association; each file is proposed
 * in its own transfer syntax, with the uncompressed ones as fall-backs, so the transfer syntax the router received
 * is kept where the destination accepts it) and asks the destination, with PixelMed's C-FIND SCU at IMAGE level,
 * which instances of a series it already holds.
 */
final class Forwarder {
    private static final int TIMEOUT_MS = 60_000;

    /** What one attempt achieved. */
    record Result(int confirmed, int failed, String error) {
    }

    /**
     * Sends {@code files} over one association; {@code confirmed} is called with the SOP Instance UID of each
     * instance the destination answered with a success or warning status, before the next one is sent.
     */
    Result send(RouterConfig.Route route, List<Path> files, Consumer<String> confirmed) {
        int ok = 0;
        String error = null;
        List<StoreScu.FileInfo> infos = new java.util.ArrayList<>();
        try {
            for (Path f : files) {
                infos.add(StoreScu.FileInfo.of(f));
            }
        } catch (java.io.IOException e) {
            return new Result(0, files.size(), e.getMessage());
        }
        StoreScu scu = null;
        try {
            scu = new StoreScu(route.destHost(), route.destPort(), route.destAe(), route.ourAe(), infos, TIMEOUT_MS);
            for (StoreScu.FileInfo f : infos) {
                int status = scu.store(f);
                if (status == 0 || (status & 0xf000) == 0xb000) {
                    ok++;
                    confirmed.accept(f.sopInstance());
                } else if (error == null) {
                    error = String.format("destination answered status 0x%04X for %s", status, f.sopInstance());
                }
            }
            scu.release();
            scu = null;
        } catch (java.io.IOException e) {
            String why = "cannot send to " + route.destination() + ": " + (e instanceof java.net.ConnectException
                    ? "connection refused" : e.getMessage());
            error = error == null ? why : error + "; " + why;
        } finally {
            if (scu != null) {
                scu.close();
            }
        }
        if (ok < files.size() && error == null) {
            error = (files.size() - ok) + " of " + files.size() + " instances unconfirmed";
        }
        return new Result(ok, files.size() - ok, error);
    }

    /** PixelMed's SCU, kept for comparison: it leaves Nagle's algorithm on (see {@link StoreScu}). */
    Result sendWithPixelmed(RouterConfig.Route route, List<Path> files, Consumer<String> confirmed) {
        SetOfDicomFiles set = new SetOfDicomFiles();
        for (Path f : files) {
            set.add(f.toString());
        }
        int[] counts = new int[2];
        String[] lastFailure = {null};
        MultipleInstanceTransferStatusHandlerWithFileName handler = new MultipleInstanceTransferStatusHandlerWithFileName() {
            @Override
            public void updateStatus(int remaining, int completed, int failed, int warning, String sopInstanceUid,
                    String fileName, boolean success) {
                if (success) {
                    counts[0]++;
                    confirmed.accept(sopInstanceUid);
                } else {
                    counts[1]++;
                    lastFailure[0] = "destination refused " + sopInstanceUid;
                }
            }
        };
        try {
            StorageSOPClassSCU scu = new StorageSOPClassSCU(route.destHost(), route.destPort(), route.destAe(),
                    route.ourAe(), set, 0, handler);
            String error = lastFailure[0];
            if (counts[0] + counts[1] < files.size()) {
                error = (error != null ? error + "; " : "") + (scu.encounteredTrappedExceptions()
                        ? "the association failed" : "not every instance was sent");
            }
            return new Result(counts[0], files.size() - counts[0], error);
        } catch (Exception e) {
            return new Result(counts[0], files.size() - counts[0], "cannot reach " + route.destination() + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : ""));
        }
    }

    /**
     * The SOP Instance UIDs of series {@code seriesUid} (study {@code studyUid}) that the destination holds, or
     * null when it cannot say (no C-FIND, refused, unreachable).
     */
    Set<String> held(RouterConfig.Route route, String studyUid, String seriesUid) {
        Set<String> found = new HashSet<>();
        try {
            AttributeList id = new AttributeList();
            put(id, new CodeStringAttribute(TagFromName.QueryRetrieveLevel), "IMAGE");
            put(id, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), studyUid);
            put(id, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), seriesUid);
            id.put(new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID));
            new FindSOPClassSCU(route.destHost(), route.destPort(), route.destAe(), route.ourAe(),
                    SOPClass.StudyRootQueryRetrieveInformationModelFind, id, new IdentifierHandler() {
                        @Override
                        public void doSomethingWithIdentifier(AttributeList identifier) {
                            String uid = Attribute.getSingleStringValueOrEmptyString(identifier,
                                    TagFromName.SOPInstanceUID).trim();
                            if (!uid.isEmpty()) {
                                found.add(uid);
                            }
                        }
                    });
            return found;
        } catch (Exception e) {
            return null;
        }
    }

    private static void put(AttributeList list, Attribute a, String value) throws DicomException {
        a.addValue(value);
        list.put(a);
    }

    static String headerValue(Path file, AttributeTag tag) {
        AttributeList h = new AttributeList();
        try {
            h.read(file.toString(), TagFromName.PixelData);
        } catch (Exception e) {
            return "";
        }
        return Attribute.getSingleStringValueOrEmptyString(h, tag).trim();
    }
}
