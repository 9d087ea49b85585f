package org.filigrane.engine;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * What a marked slice goes through on its way out of the hospital, on slice 0 of a volume, each giving a new
 * one-slice volume. Written independently of the detector's own geometry code so that a mistake there shows.
 */
final class ImageAttacks {
    private ImageAttacks() {
    }

    /** Left-right mirror. */
    static Volume flipH(Volume v) {
        int rows = v.rows();
        int columns = v.columns();
        Volume out = Volume.allocate(1, rows, columns, v.format());
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                out.slice(0)[r * columns + c] = v.slice(0)[r * columns + columns - 1 - c];
            }
        }
        return out;
    }

    /** Quarter turn counterclockwise: the top-right corner becomes the top-left one. */
    static Volume rot90(Volume v) {
        int rows = v.rows();
        int columns = v.columns();
        Volume out = Volume.allocate(1, columns, rows, v.format());
        for (int r = 0; r < columns; r++) {
            for (int c = 0; c < rows; c++) {
                out.slice(0)[r * rows + c] = v.slice(0)[c * columns + columns - 1 - r];
            }
        }
        return out;
    }

    /** Adds rounded Gaussian noise of standard deviation {@code sigmaPercent} % of the stored range, clamped. */
    static Volume gaussianNoise(Volume v, double sigmaPercent, Random random) {
        PixelFormat f = v.format();
        double sigma = sigmaPercent / 100.0 * ((double) f.max() - f.min());
        Volume out = v.withSlices(0).copy();
        short[] pixels = out.slice(0);
        for (int i = 0; i < pixels.length; i++) {
            long value = f.value(pixels[i]) + Math.round(random.nextGaussian() * sigma);
            pixels[i] = f.store((int) Math.max(f.min(), Math.min(f.max(), value)));
        }
        return out;
    }

    /** Contrast times {@code gain} around the slice mean, rounded and clamped to the stored range. */
    static Volume contrast(Volume v, double gain) {
        PixelFormat f = v.format();
        Volume out = v.withSlices(0).copy();
        short[] pixels = out.slice(0);
        double mean = 0;
        for (short p : pixels) {
            mean += f.value(p);
        }
        mean /= pixels.length;
        for (int i = 0; i < pixels.length; i++) {
            long value = Math.round(mean + gain * (f.value(pixels[i]) - mean));
            pixels[i] = f.store((int) Math.max(f.min(), Math.min(f.max(), value)));
        }
        return out;
    }

    /** The export a viewer makes: slice min..max mapped to 0..255 (rounded), as an unsigned 8-bit volume. */
    static Volume window8(Volume v) {
        PixelFormat f = v.format();
        short[] pixels = v.slice(0);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (short p : pixels) {
            min = Math.min(min, f.value(p));
            max = Math.max(max, f.value(p));
        }
        long width = Math.max(1, max - min);
        Volume out = Volume.allocate(1, v.rows(), v.columns(), PixelFormat.unsigned(8, 8));
        for (int i = 0; i < pixels.length; i++) {
            out.slice(0)[i] = (short) (((f.value(pixels[i]) - min) * 510 + width) / (2 * width));
        }
        return out;
    }

    /** {@link #window8}, then a JPEG round trip through javax.imageio at {@code quality} (0..1). */
    static Volume jpeg8(Volume v, float quality) {
        Volume shown = window8(v);
        int rows = shown.rows();
        int columns = shown.columns();
        BufferedImage image = new BufferedImage(columns, rows, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                raster.setSample(c, r, 0, shown.get(0, r, c));
            }
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            try (ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(stream);
                writer.write(null, new IIOImage(image, null, null), param);
            } finally {
                writer.dispose();
            }
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            Volume out = Volume.allocate(1, rows, columns, PixelFormat.unsigned(8, 8));
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < columns; c++) {
                    out.set(0, r, c, decoded.getRaster().getSample(c, r, 0));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PSNR in dB of {@code marked} against {@code original}, slice 0, peak = 2^bitsStored - 1. */
    static double psnr(Volume original, Volume marked) {
        PixelFormat f = original.format();
        double peak = (1 << f.bitsStored()) - 1;
        double squares = 0;
        short[] a = original.slice(0);
        short[] b = marked.slice(0);
        for (int i = 0; i < a.length; i++) {
            double d = f.value(a[i]) - f.value(b[i]);
            squares += d * d;
        }
        double mse = squares / a.length;
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(peak * peak / mse);
    }
}
