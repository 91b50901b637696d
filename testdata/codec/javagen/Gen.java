// Gen compresses a plain event log exactly as Spark's codecs do, with the real
// Java libraries, to make test fixtures for extract/codec. See gen.sh.
//
//   java Gen lz4|snappy|zstd|lzf IN OUT   compress IN into OUT
//   java Gen xxh32                        print XXH32 test vectors
//
// Lines are written one by one; after every line but task and stage-submitted
// events the stream is flushed, as Spark's EventLoggingListener does.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;

import com.github.luben.zstd.ZstdOutputStream;
import com.ning.compress.lzf.LZFOutputStream;
import net.jpountz.lz4.LZ4BlockOutputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.StreamingXXHash32;
import net.jpountz.xxhash.XXHashFactory;
import org.xerial.snappy.SnappyOutputStream;

public class Gen {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("xxh32")) {
            xxh32();
            return;
        }
        System.err.println(args[0] + ": lz4 " + LZ4Factory.fastestInstance() + ", xxhash " + XXHashFactory.fastestInstance());
        byte[] in = Files.readAllBytes(Paths.get(args[1]));
        try (OutputStream file = new FileOutputStream(args[2])) {
            OutputStream out = open(args[0], file);
            writeLines(in, out);
            out.close();
        }
    }

    static OutputStream open(String codec, OutputStream out) throws IOException {
        switch (codec) {
        case "lz4":
            return new LZ4BlockOutputStream(out, 32768,
                    LZ4Factory.fastestInstance().fastCompressor(),
                    XXHashFactory.fastestInstance().newStreamingHash32(0x9747b28c).asChecksum(),
                    false);
        case "snappy":
            return new SnappyOutputStream(out, 32768);
        case "zstd": {
            ZstdOutputStream z = new ZstdOutputStream(out, 1);
            z.setCloseFrameOnFlush(true);
            // Spark puts a 32 KiB BufferedOutputStream over zstd-jni.
            return new BufferedOutputStream(z, 32768);
        }
        case "lzf":
            return new LZFOutputStream(out).setFinishBlockOnFlush(true);
        }
        throw new IllegalArgumentException("unknown codec " + codec);
    }

    static void writeLines(byte[] in, OutputStream out) throws IOException {
        int start = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] != '\n') {
                continue;
            }
            out.write(in, start, i + 1 - start);
            String line = new String(in, start, i + 1 - start, StandardCharsets.UTF_8);
            if (!line.contains("\"Event\":\"SparkListenerTask")
                    && !line.contains("\"Event\":\"SparkListenerStageSubmitted\"")) {
                out.flush();
            }
            start = i + 1;
        }
        if (start < in.length) {
            out.write(in, start, in.length - start);
        }
    }

    // xxh32 prints "len seed hash" for prefixes of a fixed byte pattern,
    // hashed by lz4-java's streaming XXH32 in one update.
    static void xxh32() {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        int[] lens = {0, 1, 3, 4, 5, 15, 16, 17, 31, 32, 33, 100, 255, 300};
        int[] seeds = {0, 0x9747b28c};
        XXHashFactory f = XXHashFactory.fastestInstance();
        for (int seed : seeds) {
            for (int n : lens) {
                StreamingXXHash32 h = f.newStreamingHash32(seed);
                h.update(data, 0, n);
                System.out.printf("%d %08x %08x%n", n, seed, h.getValue());
            }
        }
    }
}
