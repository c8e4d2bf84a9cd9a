// Warm query latency of an Anserini (Lucene) index, as `kors bench` measures
// kors: each query of the set analysed and searched for the top 10 by BM25
// (Anserini's k1 0.9, b 0.4, bag of words), `warmup` untimed rounds, then
// `iterations` timed rounds, one sample per query run. Prints
// "p50_us p99_us" (nearest rank) for benches/peers.sh.
//
//   javac --release 17 -cp anserini-fatjar.jar -d DIR LuceneBench.java
//   java -cp anserini-fatjar.jar:DIR LuceneBench INDEX ko|en QUERIES WARMUP ITERATIONS
//
// Compiled against the jar's Lucene classes only; Anserini's own analyser
// (built for a newer Java) is loaded by name at run time.
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.FSDirectory;

public class LuceneBench {
    public static void main(String[] args) throws Exception {
        String index = args[0];
        String lang = args[1];
        List<String> queries = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get(args[2]))) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            int tab = line.indexOf('\t');
            queries.add(tab >= 0 ? line.substring(tab + 1) : line);
        }
        int warmup = Integer.parseInt(args[3]);
        int iterations = Integer.parseInt(args[4]);
        Analyzer analyzer = lang.equals("en")
            ? (Analyzer) Class.forName("io.anserini.analysis.DefaultEnglishAnalyzer")
                .getMethod("newDefaultInstance").invoke(null)
            : new CJKAnalyzer();
        IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(FSDirectory.open(Paths.get(index))));
        searcher.setSimilarity(new BM25Similarity(0.9f, 0.4f));
        for (int r = 0; r < warmup; r++)
            for (String q : queries) searcher.search(build(analyzer, q), 10);
        long[] lat = new long[queries.size() * iterations];
        int n = 0;
        for (int r = 0; r < iterations; r++)
            for (String q : queries) {
                long t0 = System.nanoTime();
                searcher.search(build(analyzer, q), 10);
                lat[n++] = System.nanoTime() - t0;
            }
        Arrays.sort(lat);
        System.out.printf("%.0f %.0f%n", pct(lat, 50) / 1e3, pct(lat, 99) / 1e3);
    }

    /** Anserini's bag of words: one SHOULD clause per distinct analysed term of `contents`. */
    static Query build(Analyzer analyzer, String q) throws Exception {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (TokenStream ts = analyzer.tokenStream("contents", q)) {
            CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken())
                if (seen.add(t.toString()))
                    b.add(new TermQuery(new Term("contents", t.toString())), BooleanClause.Occur.SHOULD);
            ts.end();
        }
        return b.build();
    }

    static double pct(long[] sorted, double p) {
        int rank = (int) Math.max(1, Math.ceil(p / 100.0 * sorted.length));
        return sorted[Math.min(rank, sorted.length) - 1];
    }
}
