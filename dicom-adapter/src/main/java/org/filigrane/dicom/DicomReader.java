package org.filigrane.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.stream.Stream;
import org.filigrane.dicom.DicomInputException.Kind;
import org.filigrane.engine.PixelFormat;
import org.filigrane.engine.Volume;

/**
 * Turns files, directory trees and lists of files into series volumes.
 *
 * <p>Inputs: a file; a directory (searched recursively; files that are not DICOM images, such as a DICOMDIR or a
 * README, are skipped there); or {@code @list.txt}, a text file naming one path per line. Files are grouped by
 * Series Instance UID; when several series are found one must be chosen ({@link Options#seriesUid}).
 *
 * <p>Order: slices are sorted by Image Position (Patient) projected on the normal of Image Orientation (Patient)
 * (row direction x column direction); when any file lacks either, by Instance Number, then file name. A
 * multi-frame object is a volume on its own, its frames in stored order. A gap (a step more than 1.5 times the
 * median step) or two slices at one position is reported and, unless {@link Options#allowGaps}, refused.
 */
public final class DicomReader {

    /**
     * @param seriesUid which series to read when the inputs hold several (null: the only one)
     * @param allowGaps read a series whose slice positions leave a gap instead of refusing it
     */
    public record Options(String seriesUid, boolean allowGaps) {
        public static Options defaults() {
            return new Options(null, false);
        }
    }

    private DicomReader() {
    }

    /** Expands files, directories and {@code @lists} into files; explicitly named files are kept as given. */
    public static List<Path> expand(List<Path> inputs) throws DicomInputException {
        List<Path> files = new ArrayList<>();
        for (Path in : inputs) {
            String name = in.toString();
            if (name.startsWith("@")) {
                Path list = Path.of(name.substring(1));
                try {
                    for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                        String l = line.strip();
                        if (!l.isEmpty() && !l.startsWith("#")) {
                            Path p = Path.of(l);
                            files.add(p.isAbsolute() ? p : list.toAbsolutePath().getParent().resolve(p));
                        }
                    }
                } catch (IOException e) {
                    throw new DicomInputException(Kind.NO_INPUT, list, "cannot read the list of files: " + e);
                }
            } else if (Files.isDirectory(in)) {
                try (Stream<Path> walk = Files.walk(in)) {
                    walk.filter(Files::isRegularFile).filter(p -> !Journal.isBookkeeping(p)).sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new DicomInputException(Kind.NO_INPUT, in, "cannot list the directory: " + e);
                }
            } else if (!Files.exists(in)) {
                throw new DicomInputException(Kind.NO_INPUT, in, "no such file or directory");
            } else {
                files.add(in);
            }
        }
        if (files.isEmpty()) {
            throw new DicomInputException(Kind.NO_INPUT, null, "no input files");
        }
        return files;
    }

    /** The series among the inputs, from headers only. Files found in directories that are not images are skipped. */
    public static List<SeriesSummary> survey(List<Path> inputs) throws DicomInputException {
        List<Path> named = new ArrayList<>();
        for (Path in : inputs) {
            if (!in.toString().startsWith("@") && !Files.isDirectory(in)) {
                named.add(in);
            }
        }
        Map<String, List<Path>> groups = new LinkedHashMap<>();
        Map<String, String> descriptions = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        for (Path f : expand(inputs)) {
            boolean explicit = named.contains(f);
            AttributeList h;
            try {
                h = DicomObject.readHeader(f);
            } catch (DicomInputException e) {
                if (explicit) {
                    throw e;
                }
                skipped.add(f.getFileName() + " (not DICOM)");
                continue;
            }
            String sopClass = Attribute.getSingleStringValueOrEmptyString(h, TagFromName.SOPClassUID).trim();
            boolean image = h.get(TagFromName.Rows) != null && h.get(TagFromName.Columns) != null
                    && !SOPClass.MediaStorageDirectoryStorage.equals(sopClass);
            if (!image) {
                if (explicit) {
                    throw new DicomInputException(Kind.NO_PIXELS, f, "not an image (no Rows/Columns; SOP Class "
                            + (sopClass.isEmpty() ? "none" : sopClass) + ")");
                }
                skipped.add(f.getFileName() + " (not an image)");
                continue;
            }
            String uid = Attribute.getSingleStringValueOrEmptyString(h, TagFromName.SeriesInstanceUID).trim();
            String key = uid.isEmpty() ? "(no Series Instance UID) " + f : uid;
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            descriptions.computeIfAbsent(key, k -> describe(h));
        }
        if (groups.isEmpty()) {
            throw new DicomInputException(Kind.NO_INPUT, null, "no DICOM image among the inputs"
                    + (skipped.isEmpty() ? "" : "; skipped: " + String.join(", ", skipped.subList(0,
                    Math.min(10, skipped.size()))) + (skipped.size() > 10 ? ", ..." : "")));
        }
        List<SeriesSummary> out = new ArrayList<>();
        groups.forEach((k, files) -> out.add(new SeriesSummary(k.startsWith("(") ? "" : k,
                descriptions.get(k) + ", " + files.size() + " file(s)", files)));
        return out;
    }

    /** Which series and study a file belongs to (from its header only). */
    public record FileKey(String seriesUid, String studyUid) {
    }

    /**
     * The series and study of {@code file} from its header (pixel data not read), or null when it is not a DICOM
     * image (not Part 10, unreadable, no Rows/Columns, a DICOMDIR): what a batch's index pass needs per file.
     */
    public static FileKey keyOf(Path file) {
        AttributeList h;
        try {
            h = DicomObject.readHeader(file);
        } catch (DicomInputException e) {
            return null;
        }
        String sopClass = Attribute.getSingleStringValueOrEmptyString(h, TagFromName.SOPClassUID).trim();
        if (h.get(TagFromName.Rows) == null || h.get(TagFromName.Columns) == null
                || SOPClass.MediaStorageDirectoryStorage.equals(sopClass)) {
            return null;
        }
        return new FileKey(Attribute.getSingleStringValueOrEmptyString(h, TagFromName.SeriesInstanceUID).trim(),
                Attribute.getSingleStringValueOrEmptyString(h, TagFromName.StudyInstanceUID).trim());
    }

    private static String describe(AttributeList h) {
        String modality = Attribute.getSingleStringValueOrEmptyString(h, TagFromName.Modality).trim();
        String desc = Attribute.getSingleStringValueOrEmptyString(h, TagFromName.SeriesDescription).trim();
        int rows = Attribute.getSingleIntegerValueOrDefault(h, TagFromName.Rows, 0);
        int cols = Attribute.getSingleIntegerValueOrDefault(h, TagFromName.Columns, 0);
        return (modality.isEmpty() ? "?" : modality) + (desc.isEmpty() ? "" : " '" + desc + "'") + " " + rows + "x"
                + cols;
    }

    /** Reads the one series the inputs hold (or the one chosen in {@code options}) as a volume. */
    public static DicomSeries read(List<Path> inputs, Options options) throws DicomInputException {
        return read(inputs, options, i -> { });
    }

    /**
     * As {@link #read(List, Options)}, calling {@code progress} with the number of files read so far (for a
     * progress bar); the total is the file count of the chosen series.
     */
    public static DicomSeries read(List<Path> inputs, Options options, IntConsumer progress)
            throws DicomInputException {
        return read(choose(survey(inputs), options.seriesUid()), options.allowGaps(), progress);
    }

    /**
     * Reads a series that {@link #survey} found, as {@link #read(List, Options, IntConsumer)} would read its files,
     * without surveying them again (a one-shot command surveys its inputs once, to choose the series).
     */
    public static DicomSeries read(SeriesSummary chosen, boolean allowGaps, IntConsumer progress)
            throws DicomInputException {
        List<DicomObject> objects = new ArrayList<>();
        for (Path f : chosen.files()) {
            objects.add(DicomObject.read(f));
            progress.accept(objects.size());
        }
        return assemble(chosen.seriesUid(), objects, allowGaps);
    }

    /** The summary matching {@code uid} (exact or unique prefix), or the only one. */
    public static SeriesSummary choose(List<SeriesSummary> series, String uid) throws DicomInputException {
        if (uid == null || uid.isBlank()) {
            if (series.size() == 1) {
                return series.get(0);
            }
            StringBuilder sb = new StringBuilder("the inputs hold " + series.size()
                    + " series; choose one with --series UID:");
            for (SeriesSummary s : series) {
                sb.append("\n  ").append(s.seriesUid().isEmpty() ? "(no UID) " + s.files().get(0) : s.seriesUid())
                        .append("  ").append(s.description());
            }
            throw new DicomInputException(Kind.MIXED_SERIES, null, sb.toString());
        }
        List<SeriesSummary> hits = series.stream().filter(s -> s.seriesUid().equals(uid)).toList();
        if (hits.isEmpty()) {
            hits = series.stream().filter(s -> s.seriesUid().startsWith(uid)).toList();
        }
        if (hits.size() != 1) {
            throw new DicomInputException(Kind.MIXED_SERIES, null, (hits.isEmpty() ? "no series " : "several series ")
                    + "match '" + uid + "'; found: " + series.stream().map(SeriesSummary::seriesUid).toList());
        }
        return hits.get(0);
    }

    /**
     * Reads one series' files (already grouped by the caller, e.g. from a batch index) keeping a single copy of the
     * samples: each file's frames go into slice arrays from {@code slices} (rows*columns samples each; a batch reuses
     * them across series) as soon as it is read, and its object is kept {@link DicomObject#lean() lean}. Peak memory
     * is the volume plus one file.
     */
    public static DicomSeries readLean(String seriesUid, List<Path> files, boolean allowGaps,
            java.util.function.IntFunction<short[]> slices) throws DicomInputException {
        if (files.isEmpty()) {
            throw new DicomInputException(Kind.NO_INPUT, null, "no files in series " + seriesUid);
        }
        List<DicomObject> objects = new ArrayList<>();
        Map<DicomObject, short[][]> frames = new java.util.IdentityHashMap<>();
        // A few files at once (FewAtATime): at most LEAN_READ_AHEAD whole files in memory besides the volume.
        int chunk = FewAtATime.width(LEAN_READ_AHEAD);
        for (int base = 0; base < files.size(); base += chunk) {
            for (LeanRead read : FewAtATime.run(base, Math.min(chunk, files.size() - base), i -> {
                DicomObject full = DicomObject.read(files.get(i));
                short[][] fv = new short[full.frames()][];
                for (int f = 0; f < fv.length; f++) {
                    synchronized (slices) {
                        fv[f] = slices.apply(full.rows() * full.columns());
                    }
                    full.frameValues(f, fv[f]);
                }
                return new LeanRead(full.lean(), fv);
            })) {
                objects.add(read.object());
                frames.put(read.object(), read.frames());
            }
        }
        return assemble(seriesUid, objects, allowGaps, frames::get);
    }

    /** Most files a lean read holds whole at once (one per thread of the common pool and the caller, up to this). */
    private static final int LEAN_READ_AHEAD = 4;

    /** One file of a lean read: its lean object and its frames' values. */
    private record LeanRead(DicomObject object, short[][] frames) {
    }

    /** Orders already-read objects of one series into a volume. */
    public static DicomSeries assemble(String seriesUid, List<DicomObject> objects, boolean allowGaps)
            throws DicomInputException {
        return assemble(seriesUid, objects, allowGaps, obj -> {
            int n = obj.rows() * obj.columns();
            short[][] fv = new short[obj.frames()][];
            for (int f = 0; f < fv.length; f++) {
                fv[f] = new short[n];
                obj.frameValues(f, fv[f]);
            }
            return fv;
        });
    }

    private static DicomSeries assemble(String seriesUid, List<DicomObject> objects, boolean allowGaps,
            java.util.function.Function<DicomObject, short[][]> framesOf) throws DicomInputException {
        DicomObject first = objects.get(0);
        if (objects.size() > 1) {
            for (DicomObject o : objects) {
                if (o.frames() > 1) {
                    throw new DicomInputException(Kind.INCONSISTENT, o.path(), "multi-frame object in a series of "
                            + objects.size() + " files: give multi-frame objects one at a time");
                }
                if (o.rows() != first.rows() || o.columns() != first.columns() || !o.format().equals(first.format())) {
                    throw new DicomInputException(Kind.INCONSISTENT, o.path(), o.rows() + "x" + o.columns() + " "
                            + o.format() + " differs from " + first.path().getFileName() + " (" + first.rows() + "x"
                            + first.columns() + " " + first.format() + ") in the same series");
                }
            }
        }
        List<DicomObject> ordered = new ArrayList<>(objects);
        List<Double> positions = new ArrayList<>();
        String ordering;
        List<String> gaps = new ArrayList<>();
        if (objects.size() == 1) {
            ordering = first.frames() > 1 ? "multi-frame object, frames in stored order" : "single image";
            positions = null;
        } else {
            double[][] geometry = new double[ordered.size()][];
            boolean all = true;
            for (int i = 0; i < ordered.size(); i++) {
                geometry[i] = positionAlongNormal(ordered.get(i).attributes());
                all &= geometry[i] != null;
            }
            Map<DicomObject, Double> pos = new java.util.IdentityHashMap<>();
            if (all) {
                for (int i = 0; i < ordered.size(); i++) {
                    pos.put(ordered.get(i), geometry[i][0]);
                }
                ordered.sort(Comparator.<DicomObject>comparingDouble(pos::get)
                        .thenComparingInt(DicomReader::instanceNumber)
                        .thenComparing(o -> o.path().toString()));
                ordering = "Image Position (Patient) along the normal of Image Orientation (Patient)";
                for (DicomObject o : ordered) {
                    positions.add(pos.get(o));
                }
                gaps.addAll(findGaps(ordered, positions));
            } else {
                ordered.sort(Comparator.comparingInt(DicomReader::instanceNumber)
                        .thenComparing(o -> o.path().toString()));
                ordering = "Instance Number (Image Position/Orientation (Patient) missing)";
                positions = null;
            }
            if (!gaps.isEmpty() && !allowGaps) {
                throw new DicomInputException(Kind.SLICE_GAP, null, "slice positions are irregular: "
                        + String.join("; ", gaps) + ". A file may be missing from the series; add it, or pass "
                        + "--allow-gaps to go on with the series as it is");
            }
        }
        List<short[]> data = new ArrayList<>();
        List<DicomSeries.Slice> slices = new ArrayList<>();
        for (int o = 0; o < ordered.size(); o++) {
            DicomObject obj = ordered.get(o);
            short[][] fv = framesOf.apply(obj);
            for (int f = 0; f < obj.frames(); f++) {
                data.add(fv[f]);
                slices.add(new DicomSeries.Slice(o, f, positions != null ? positions.get(o) : null));
            }
        }
        PixelFormat format = first.format();
        Volume volume = Volume.wrap(first.rows(), first.columns(), format, data.toArray(short[][]::new));
        return new DicomSeries(seriesUid, ordered, slices, volume, ordering, gaps);
    }

    static int instanceNumber(DicomObject o) {
        return Attribute.getSingleIntegerValueOrDefault(o.attributes(), TagFromName.InstanceNumber,
                Integer.MAX_VALUE);
    }

    /** {position along the normal}, or null when IPP or IOP is missing or malformed. */
    static double[] positionAlongNormal(AttributeList list) {
        double[] ipp = Attribute.getDoubleValues(list, TagFromName.ImagePositionPatient);
        double[] iop = Attribute.getDoubleValues(list, TagFromName.ImageOrientationPatient);
        if (ipp == null || iop == null || ipp.length != 3 || iop.length != 6) {
            return null;
        }
        double nx = iop[1] * iop[5] - iop[2] * iop[4];
        double ny = iop[2] * iop[3] - iop[0] * iop[5];
        double nz = iop[0] * iop[4] - iop[1] * iop[3];
        double norm = Math.sqrt(nx * nx + ny * ny + nz * nz);
        if (norm < 1e-6) {
            return null;
        }
        return new double[] {(ipp[0] * nx + ipp[1] * ny + ipp[2] * nz) / norm};
    }

    private static List<String> findGaps(List<DicomObject> ordered, List<Double> positions) {
        List<String> gaps = new ArrayList<>();
        int m = positions.size() - 1;
        double[] steps = new double[m];
        for (int i = 0; i < m; i++) {
            steps[i] = positions.get(i + 1) - positions.get(i);
        }
        for (int i = 0; i < m; i++) {
            if (Math.abs(steps[i]) < 1e-3) {
                gaps.add(String.format(Locale.ROOT, "%s and %s share position %.3f mm",
                        ordered.get(i).path().getFileName(), ordered.get(i + 1).path().getFileName(),
                        positions.get(i)));
            }
        }
        if (m >= 2) {
            double[] sorted = steps.clone();
            Arrays.sort(sorted);
            double median = sorted[m / 2];
            if (median > 1e-3) {
                for (int i = 0; i < m; i++) {
                    if (steps[i] > 1.5 * median) {
                        gaps.add(String.format(Locale.ROOT, "gap of %.3f mm (usual step %.3f mm, about %d slice(s) "
                                + "missing) between slice %d (%s) and slice %d (%s)", steps[i], median,
                                Math.round(steps[i] / median) - 1, i, ordered.get(i).path().getFileName(), i + 1,
                                ordered.get(i + 1).path().getFileName()));
                    }
                }
            }
        }
        return gaps;
    }
}
