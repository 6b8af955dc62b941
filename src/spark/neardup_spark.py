#!/usr/bin/env python3
"""neardup on Apache Spark: the near-duplicate clusters of `neardup dedup`,
for dumps larger than one machine.

Printed by `neardup spark-script` (this file is part of the neardup binary
it came with: use the two together). Spark owns storage, shuffles, retries
and the graph work; the neardup binary does the per-record and
per-component work as a filter Spark starts per partition (Spark SQL
`TRANSFORM ... USING`). No JVM code, no extra JARs, no Python UDFs.

    spark-submit --archives neardup.tar.gz#nd neardup_spark.py \\
        --input s3://bucket/dump/ --output s3://bucket/out [dedup options]

`neardup.tar.gz` holds the `neardup` binary at its top level (built for the
executors' platform); Spark unpacks it as `nd/` beside every task. Without
the archive (local mode) `neardup` is looked up on the PATH, or given with
`--neardup PATH`.

Stages (each writes or checkpoints its result, so a lost executor costs one
stage, not the job):
  1. sign: every record through `neardup sign --keyed` (signature, finer
     signature, band keys, parameters hash); records numbered in input
     order (files in path order, lines in file order): `doc`;
  2. candidates: band keys exploded, one bucket per (band, key): all pairs
     of a bucket of up to 64, else a star to its smallest `doc` plus a chain
     (as `neardup dedup`);
  3. verify: each candidate with both signatures through `neardup
     spark-task verify` (the single-machine rule, finer signatures near the
     threshold);
  4. components of the verified pairs: large-star / small-star, checkpointed
     every round;
  5. clusters: each component through `neardup spark-task cluster` (the
     single-machine no-chaining rule);
  6. output: OUTPUT/documents/ (Parquet, sorted by doc, one row per input
     record: doc, file, line, id, outlet, status, reason, cluster,
     duplicate_of, similarity, measure), OUTPUT/pairs/ (verified pairs),
     OUTPUT/summary.json last. `neardup apply --job OUTPUT INPUT...` turns
     them into dedup's outputs.
"""

import argparse
import json
import re
import shlex
import sys
import time
import urllib.request

from pyspark.sql import SparkSession, Window, functions as F, types as T

# Options given to every neardup stage unchanged (those of `neardup dedup`
# that signatures and decisions depend on, and how records are read).
PASSED = {
    "--threshold": float, "--containment": float, "--shingle": int,
    "--num-perm": int, "--bands": int, "--rows": int, "--refine": int,
    "--seed": int, "--keep": str, "--normalize": str, "--id-field": str,
    "--text-field": str, "--outlet-field": str, "--date-field": str,
    "--title-field": str, "--url-field": str, "--max-doc-bytes": int,
}
FULL_BUCKET = 64
SIGN_SCHEMA = T.StructType([
    T.StructField("key", T.StringType()), T.StructField("line", T.LongType()),
    T.StructField("status", T.StringType()), T.StructField("reason", T.StringType()),
    T.StructField("id", T.StringType()), T.StructField("outlet", T.StringType()),
    T.StructField("date", T.LongType()), T.StructField("chars", T.LongType()),
    T.StructField("shingles", T.LongType()), T.StructField("sig", T.StringType()),
    T.StructField("fine", T.StringType()),
    T.StructField("bands", T.ArrayType(T.LongType())),
    T.StructField("params", T.StringType()),
])


class JobError(Exception):
    """A problem with the data or the options: reported, exit status 1."""


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="neardup_spark.py", description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", nargs="+", required=True,
                   help="JSONL (.jsonl/.ndjson, optionally .gz/.bz2) or Parquet files or folders")
    p.add_argument("--output", required=True, help="output folder (must not exist)")
    p.add_argument("--neardup", help="the neardup command (default: nd/neardup from "
                   "--archives, else neardup on the PATH)")
    p.add_argument("--on-error", choices=["fail", "skip"], default="fail")
    p.add_argument("--partitions", type=int, default=0,
                   help="partitions of the pair and component stages (default: "
                   "spark.sql.shuffle.partitions)")
    p.add_argument("--broadcast-limit", type=int, default=5_000_000,
                   help="broadcast the set of documents of doubtful pairs up to this many "
                   "(their finer signatures are then read without a shuffle)")
    p.add_argument("--write-kept", action="store_true",
                   help="also write OUTPUT/kept/: the kept records' original lines (JSONL "
                   "inputs), in input order across its part files")
    p.add_argument("--keep-work", action="store_true",
                   help="keep OUTPUT/_work (signatures, verified pairs)")
    for flag, kind in PASSED.items():
        p.add_argument(flag, type=kind)
    return p.parse_args(argv)


def passed_options(args):
    out = []
    for flag in PASSED:
        v = getattr(args, flag[2:].replace("-", "_"))
        if v is not None:
            out += [flag, str(v)]
    return out


def sql_string(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Job:
    def __init__(self, spark, args):
        self.spark = spark
        self.args = args
        self.out = args.output.rstrip("/")
        self.work = self.out + "/_work"
        self.timings = []
        self.params = None
        self.counts = {}
        cpus = spark.sparkContext.getConf().get("spark.task.cpus", "1")
        self.partitions = args.partitions
        if args.neardup:
            exe = shlex.quote(args.neardup)
            prelude = f"ND={exe}"
        else:
            prelude = 'ND=nd/neardup; [ -x "$ND" ] || ND=$(command -v neardup) || ' \
                      '{ echo "neardup: not in the --archives (nd/) nor on the PATH" >&2; exit 127; }'
        opts = " ".join(shlex.quote(o) for o in passed_options(args) + ["--threads", cpus, "-q"])
        self.command = lambda sub: f'{prelude}; exec "$ND" {sub} {opts}'
        self.jvm = spark._jvm
        self.hconf = spark._jsc.hadoopConfiguration()

    # -- helpers ---------------------------------------------------------

    def stage(self, name, fn):
        start = time.time()
        result = fn()
        self.timings.append((name, round(time.time() - start, 3)))
        print(f"neardup_spark: {name}: {self.timings[-1][1]:.1f} s", file=sys.stderr, flush=True)
        return result

    def transform(self, df, column, sub, schema):
        """Pipes `column` of `df` through `neardup SUB` (TRANSFORM)."""
        view = f"nd_{abs(hash((sub, id(df))))}"
        df.select(F.col(column).alias("line")).createOrReplaceTempView(view)
        # The row format given on both sides: without it Spark 3.5 splits
        # no output line into columns (all but the first come out NULL).
        fmt = "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'"
        return self.spark.sql(
            f"SELECT TRANSFORM(line) {fmt} USING {sql_string(self.command(sub))} "
            f"AS ({schema}) {fmt} FROM {view}")

    def path(self, p):
        return self.jvm.org.apache.hadoop.fs.Path(p)

    def fs(self, p):
        return self.path(p).getFileSystem(self.hconf)

    def write_text(self, p, text):
        stream = self.fs(p).create(self.path(p), True)
        stream.write(bytearray(text.encode("utf-8")))
        stream.close()

    # -- stage 0: parameters and inputs -----------------------------------

    def parameters(self):
        """Runs the sign filter on one empty record: checks the options
        (a usage error fails the job here) and gives the parameters hash."""
        probe = self.spark.createDataFrame([("0\t{}",)], ["line"]).coalesce(1)
        rows = self.transform(probe, "line", "sign - --keyed --on-error skip",
                              "out STRING").collect()
        if len(rows) != 1 or rows[0].out is None:
            raise JobError("the sign filter gave no output for a probe record")
        return json.loads(rows[0].out)["params"]

    def list_inputs(self):
        files = []
        for given in self.args.input:
            p = self.path(given)
            fs = p.getFileSystem(self.hconf)
            if not fs.exists(p):
                raise JobError(f"{given}: no such file or folder")
            status = fs.getFileStatus(p)
            found = []
            if status.isDirectory():
                it = fs.listFiles(p, True)
                base = plain_uri(fs.makeQualified(p).toUri().toString()).rstrip("/") + "/"
                while it.hasNext():
                    q = fs.makeQualified(it.next().getPath()).toUri().toString()
                    rel = plain_uri(q)[len(base):] if plain_uri(q).startswith(base) else q
                    if any(part.startswith((".", "_")) for part in rel.split("/")):
                        continue
                    found.append((rel, q, given.rstrip("/") + "/" + rel))
                found.sort()
            else:
                q = fs.makeQualified(p).toUri().toString()
                found.append(("", q, given))
            for _, uri, name in found:
                kind = input_kind(uri)
                if kind:
                    files.append((uri, name, kind))
        if not files:
            raise JobError("no JSONL or Parquet files in " + " ".join(self.args.input))
        return files

    def read(self, files):
        """One row per input line (JSONL) or row (Parquet): file ordinal,
        a position unique in the read, and the record as a JSON line."""
        ords = self.spark.createDataFrame(
            [(plain_uri(uri), i, name) for i, (uri, name, _) in enumerate(files)],
            ["file_uri", "ord", "name"])
        parts = []
        jsonl = [u for u, _, k in files if k == "jsonl"]
        parquet = [u for u, _, k in files if k == "parquet"]
        if jsonl:
            # (Hadoop's line reader skips a byte-order mark at a file's
            # start, as dedup does: tested.)
            df = self.spark.read.option("lineSep", "\n").text(jsonl)
            parts.append(df.select(F.input_file_name().alias("file_uri"), "value"))
        if parquet:
            df = self.spark.read.parquet(*parquet)
            value = F.to_json(F.struct(*[F.col(c) for c in df.columns]))
            parts.append(df.select(F.input_file_name().alias("file_uri"), value.alias("value")))
        raw = parts[0] if len(parts) == 1 else parts[0].unionByName(parts[1])
        # The position must be taken where the rows are read, before any
        # shuffle: monotonically_increasing_id is the partition and the row
        # in it, in file order within a file.
        raw = raw.withColumn("mono", F.monotonically_increasing_id()).withColumn(
            "file_uri", F.regexp_replace("file_uri", URI_SLASHES, "$1:/"))
        raw = raw.join(F.broadcast(ords), "file_uri", "left").withColumn(
            "ord", F.coalesce("ord", F.lit(-1)))
        return raw, ords

    # -- stage 1: sign ------------------------------------------------------

    def sign(self, raw, params):
        max_bytes = self.args.max_doc_bytes or 16 << 20
        size = F.octet_length("value")
        key = F.concat_ws(":", F.col("ord").cast("string"), F.col("mono").cast("string"))
        fits = raw.filter(size <= max_bytes)
        lines = fits.select(F.concat(key, F.lit("\t"), F.col("value")).alias("line"))
        out = self.transform(lines, "line", "sign - --keyed --on-error skip", "out STRING")
        signed = out.select(F.from_json("out", SIGN_SCHEMA).alias("s"), "out").select("s.*", "out")
        too_large = raw.filter(size > max_bytes).select(
            key.alias("key"), F.lit(None).cast("long").alias("line"),
            F.lit("rejected").alias("status"),
            F.format_string("record of %d bytes is larger than the maximum document size "
                            "(%d bytes)", size, F.lit(max_bytes)).alias("reason"),
            *[F.lit(None).cast(f.dataType).alias(f.name) for f in SIGN_SCHEMA.fields
              if f.name not in ("key", "line", "status", "reason", "params")],
            F.lit(params).alias("params"), F.lit("").alias("out"))
        k = F.split("key", ":")
        rows = signed.unionByName(too_large).select(
            k.getItem(0).cast("long").alias("ord"), k.getItem(1).cast("long").alias("mono"),
            "status", "reason", "id", "outlet", "date", "chars", "shingles",
            # Stored as bytes; piped to the filters as hex (Spark's own
            # base64() breaks lines every 76 characters in some versions).
            F.unbase64("sig").alias("sig"), F.unbase64("fine").alias("fine"), "bands",
            "params", "out")
        # TRANSFORM turns a line it cannot split into NULL columns, silently:
        # such rows are flagged, and keep the filter's line for the message.
        broken = (F.col("ord").isNull() | F.col("mono").isNull() | F.col("status").isNull()
                  | F.col("params").isNull()
                  | ((F.col("status") == "ok") & (F.col("sig").isNull() | F.col("bands").isNull()
                                                 | F.col("shingles").isNull())))
        rows = rows.withColumn("out", F.when(broken, F.coalesce("out", F.lit(""))))
        path = self.work + "/signed"
        rows.write.mode("overwrite").parquet(path)
        signed = self.spark.read.parquet(path)
        unmatched = signed.filter(F.col("ord") == -1).limit(1).count()
        if unmatched:
            raise JobError("a record's file is none of the listed inputs (file names as "
                           "Spark reports them differ from the listing)")
        bad = signed.filter(F.col("out").isNotNull()).select("out").limit(1).collect()
        if bad:
            raise JobError("the sign filter's output did not parse (row format): "
                           f"{bad[0].out[:200]!r}")
        mixed = [r.params for r in signed.select("params").distinct().limit(3).collect()]
        if mixed not in ([], [params]):
            raise JobError(f"signatures made with other parameters: {mixed} (this job: {params})")
        return signed.drop("out")

    def number(self, signed, ords):
        """Adds doc (the record's position in input order: files in path
        order, lines in file order), line (1-based, in its file) and name
        (its file as given) to the rows of `signed`, by broadcast joins (no
        shuffle)."""
        part = (F.col("mono") / F.lit(1 << 33)).cast("long")
        segs = signed.groupBy("ord", part.alias("part")).agg(
            F.min("mono").alias("m0"), F.count(F.lit(1)).alias("n")).collect()
        segs.sort(key=lambda r: (r.ord, r.part))
        table, total, file_start, current = [], 0, 0, None
        for r in segs:
            if r.ord != current:
                current, file_start = r.ord, total
            table.append((r.ord, r.part, r.m0, total, total - file_start))
            total += r.n
        starts = F.broadcast(self.spark.createDataFrame(
            table, "ord long, part long, m0 long, doc0 long, line0 long"))
        names = F.broadcast(ords.select("ord", "name"))
        offset = F.col("mono") - F.col("m0")
        def numbered(df, blank=False):
            df = (df.withColumn("part", part).join(starts, ["ord", "part"])
                  .join(names, "ord")
                  .withColumn("doc", F.col("doc0") + offset)
                  .withColumn("line", F.col("line0") + offset + 1)
                  .drop("part", "m0", "doc0", "line0", "mono", "ord"))
            return df if blank else df.filter(F.col("status") != "blank")
        return numbered

    def name_records(self, meta):
        """Ids as dedup gives them: FILE:LINE for a record without one; a
        bad record or a duplicate id stops the job under --on-error fail,
        and under skip a duplicate is renamed ID@FILE:LINE. Written to the
        work folder: one row per record, no signatures."""
        here = F.concat_ws(":", "name", F.col("line").cast("string"))
        meta = meta.withColumn(
            "id", F.when(F.col("id").isNull() | (F.col("status") == "rejected"), here)
            .otherwise(F.col("id")))
        meta = meta.withColumn("first_doc", F.min("doc").over(Window.partitionBy("id")))
        path = self.work + "/meta"
        meta.write.mode("overwrite").parquet(path)
        meta = self.spark.read.parquet(path)
        if self.args.on_error == "fail":
            bad = (meta.filter((F.col("status") == "rejected")
                               | (F.col("doc") != F.col("first_doc")))
                   .orderBy("doc").limit(1).collect())
            if bad:
                r = bad[0]
                if r.status == "rejected":
                    raise JobError(f"{r.name}:{r.line}: {r.reason}")
                raise JobError(f"{r.name}:{r.line}: duplicate id {r.id!r}")
        return meta.withColumn(
            "id", F.when(F.col("doc") != F.col("first_doc"),
                         F.concat(F.col("id"), F.lit("@"), here)).otherwise(F.col("id"))
        ).drop("first_doc")

    # -- stage 2: candidates --------------------------------------------------

    def candidates(self, sigs):
        entries = sigs.select("doc", F.posexplode("bands").alias("band", "key"))
        buckets = (entries.groupBy("band", "key")
                   .agg(F.array_sort(F.collect_list("doc")).alias("m"))
                   .filter(F.size("m") > 1))
        pairs = F.expr(f"""
            CASE WHEN size(m) <= {FULL_BUCKET} THEN
              flatten(transform(sequence(0, size(m) - 2), i ->
                transform(sequence(i + 1, size(m) - 1), j -> named_struct('a', m[i], 'b', m[j]))))
            ELSE concat(
              transform(sequence(1, size(m) - 1), j -> named_struct('a', m[0], 'b', m[j])),
              transform(sequence(2, size(m) - 1), j -> named_struct('a', m[j - 1], 'b', m[j])))
            END""")
        return buckets.select(F.explode(pairs).alias("p")).select("p.a", "p.b").distinct()

    # -- stage 3: verify ----------------------------------------------------------

    def verify(self, sigs, cands):
        """Verified pairs (a, b, jaccard, containment, contained): first on
        the signatures alone; the pairs left in doubt then again with their
        finer signatures, which are shipped for those documents only (the
        finer signature is four times the size of the signature)."""
        pipe = "a STRING, b STRING, jaccard STRING, containment STRING, contained STRING"

        def run(pairs, table, with_fine):
            # Bytes through the shuffles, hex only in the line to the filter.
            side = table.select("doc", "sig", "shingles",
                                (F.col("fine") if with_fine else F.lit(None).cast("binary"))
                                .alias("fine"))
            a = side.select(*[F.col(c).alias(c + "_a") for c in side.columns])
            b = side.select(*[F.col(c).alias(c + "_b") for c in side.columns])
            joined = pairs.join(a, pairs.a == a.doc_a).join(b, pairs.b == b.doc_b)
            hexed = [F.coalesce(F.hex(c), F.lit("")) for c in ("sig_a", "fine_a", "sig_b", "fine_b")]
            line = F.concat_ws("\t", F.col("a").cast("string"), F.col("b").cast("string"),
                               F.lit(self.params), hexed[0], hexed[1],
                               F.col("shingles_a").cast("string"), hexed[2], hexed[3],
                               F.col("shingles_b").cast("string"))
            return self.transform(joined.select(line.alias("line")), "line",
                                  "spark-task verify -", pipe)

        first = run(cands, sigs, False)
        path = self.work + "/verified"
        first.write.mode("overwrite").parquet(path + "/coarse")
        first = self.spark.read.parquet(path + "/coarse")
        doubt = first.filter(F.col("contained") == "doubt").select(
            F.col("a").cast("long").alias("a"), F.col("b").cast("long").alias("b"))
        docs = doubt.select(F.col("a").alias("doc")).union(
            doubt.select(F.col("b").alias("doc"))).distinct()
        n = docs.count()
        self.counts["doubtful_pairs"] = doubt.count()
        # The documents of doubtful pairs, without shuffling every finer
        # signature when their numbers fit a broadcast.
        docs = F.broadcast(docs) if n <= self.args.broadcast_limit else docs
        needed = sigs.join(docs, "doc", "left_semi")
        second = run(doubt, needed, True)
        second.write.mode("overwrite").parquet(path + "/fine")
        both = first.filter(F.col("contained") != "doubt").unionByName(
            self.spark.read.parquet(path + "/fine"))
        verified = both.select(F.col("a").cast("long").alias("a"),
                               F.col("b").cast("long").alias("b"),
                               "jaccard", "containment", "contained")
        nulls = verified.filter(F.col("a").isNull() | F.col("b").isNull() | F.col("jaccard").isNull()
                                | F.col("containment").isNull()
                                | ~F.col("contained").isin("0", "1"))
        if nulls.limit(1).count():
            raise JobError("the verify filter's output did not parse (row format)")
        return verified

    # -- stage 4: connected components ----------------------------------------------

    def components(self, verified):
        """(node, comp): comp is the smallest doc of the node's component
        (large-star / small-star, Kiveris et al. 2014), for every node of a
        verified pair; each round is checkpointed."""
        edges = verified.select(F.col("b").alias("u"), F.col("a").alias("v"))  # u > v
        rounds = 0
        while True:
            rounds += 1
            # Large-star: every neighbour larger than u links to u's smallest.
            both = edges.unionByName(edges.select(F.col("v").alias("u"), F.col("u").alias("v")))
            m = both.groupBy("u").agg(F.min("v").alias("mv")).select(
                "u", F.least("mv", "u").alias("m"))
            large = (both.filter(F.col("v") > F.col("u")).join(m, "u")
                     .select(F.col("v").alias("u"), F.col("m").alias("v")).distinct())
            # Small-star: u and its smaller neighbours link to the smallest.
            ms = large.groupBy("u").agg(F.min("v").alias("m"))
            small = (large.join(ms, "u").select(F.col("v").alias("x"), "m", "u")
                     .select(F.explode(F.array(
                         F.struct(F.col("x").alias("u"), F.col("m").alias("v")),
                         F.struct(F.col("u").alias("u"), F.col("m").alias("v")))).alias("e"))
                     .select("e.u", "e.v").filter(F.col("u") != F.col("v")).distinct())
            small = small.checkpoint()
            # Converged when every edge points at a node with no smaller
            # neighbour: each component is a star around its smallest node.
            not_root = small.select(F.col("u").alias("v")).distinct()
            if small.join(not_root, "v").limit(1).count() == 0 and \
                    small.groupBy("u").count().filter("count > 1").limit(1).count() == 0:
                self.counts["component_rounds"] = rounds
                comps = small.select(F.col("u").alias("node"), F.col("v").alias("comp"))
                roots = small.select(F.col("v").alias("node"), F.col("v").alias("comp"))
                comps = comps.unionByName(roots).distinct().checkpoint()
                self.counts["components_nodes"] = comps.count()
                # One component goes to one filter process: the one to watch.
                largest = comps.groupBy("comp").count().agg(F.max("count")).collect()[0][0]
                self.counts["largest_component"] = int(largest or 0)
                return comps
            edges = small

    # -- stage 5: clusters --------------------------------------------------------------

    def clusters(self, sigs, verified, comps):
        nodes = comps.withColumnRenamed("node", "doc")
        # The documents of components, without shuffling every signature
        # when their numbers fit a broadcast.
        if self.counts["components_nodes"] <= self.args.broadcast_limit:
            nodes = F.broadcast(nodes)
        members = sigs.join(nodes, "doc")
        none = {"string": F.lit(None).cast("string"), "long": F.lit(None).cast("long"),
                "binary": F.lit(None).cast("binary")}
        # Rows of both kinds in one shape, so that bytes (not hex) go
        # through the shuffle; the filter's lines are made after it.
        member_rows = members.select(
            "comp", F.lit("M").alias("kind"), F.col("doc").alias("x"), none["long"].alias("y"),
            "sig", "shingles", "date", "chars", none["string"].alias("jaccard"),
            none["string"].alias("containment"), none["string"].alias("contained"))
        pair_rows = verified.join(comps.withColumnRenamed("node", "a"), "a").select(
            "comp", F.lit("P").alias("kind"), F.col("a").alias("x"), F.col("b").alias("y"),
            none["binary"].alias("sig"), none["long"].alias("shingles"),
            none["long"].alias("date"), none["long"].alias("chars"),
            "jaccard", "containment", "contained")
        rows = member_rows.unionByName(pair_rows)
        # By component (Spark's adaptive execution may merge small partitions).
        rows = (rows.repartition(self.partitions, "comp") if self.partitions
                else rows.repartition("comp")).sortWithinPartitions("comp")
        text = lambda c: F.col(c).cast("string")  # noqa: E731
        member = F.concat_ws("\t", text("comp"), F.lit("M"), text("x"), F.lit(self.params),
                             F.hex("sig"), text("shingles"),
                             F.coalesce(text("date"), F.lit("")), text("chars"))
        pair = F.concat_ws("\t", text("comp"), F.lit("P"), text("x"), text("y"),
                           "jaccard", "containment", "contained")
        lines = rows.select(F.when(F.col("kind") == "M", member).otherwise(pair).alias("line"))
        out = self.transform(lines, "line", "spark-task cluster -",
                             "doc STRING, kept STRING, similarity STRING, measure STRING")
        path = self.work + "/kept"
        out.select(F.col("doc").cast("long").alias("doc"), F.col("kept").cast("long").alias("kept"),
                   F.col("similarity").cast("double").alias("similarity"), "measure") \
            .write.mode("overwrite").parquet(path)
        kept = self.spark.read.parquet(path)
        nulls = kept.filter(F.col("doc").isNull() | F.col("kept").isNull()
                            | F.col("similarity").isNull() | F.col("measure").isNull())
        if nulls.limit(1).count():
            raise JobError("the cluster filter's output did not parse (row format)")
        return kept

    # -- stage 6: output ------------------------------------------------------------------

    def write(self, docs, verified, kept):
        """documents/ and pairs/ from the records' `docs` (meta), the
        verified pairs and the kept document of each duplicate."""
        ids = docs.select(F.col("doc").alias("kept"), F.col("id").alias("kept_id"))
        d = docs.join(kept, "doc", "left").join(ids, "kept", "left")
        ok, empty = F.col("status") == "ok", F.col("status") == "empty"
        dup = ok & F.col("kept").isNotNull()
        out = d.select(
            "doc", F.col("name").alias("file"), "line", "id", "outlet", "date", "status", "reason",
            F.when(dup, F.col("kept_id")).when(ok | empty, F.col("id")).alias("cluster"),
            F.when(dup, F.col("kept_id")).alias("duplicate_of"),
            F.when(dup, F.col("similarity")).when(ok, F.lit(1.0)).alias("similarity"),
            F.when(dup, F.col("measure")).alias("measure"))
        out.orderBy("doc").write.parquet(self.out + "/documents")
        pid = docs.select("doc", "id")
        pairs = (verified.join(pid.select(F.col("doc").alias("a"), F.col("id").alias("a_id")), "a")
                 .join(pid.select(F.col("doc").alias("b"), F.col("id").alias("b_id")), "b")
                 .select(F.col("a_id").alias("a"), F.col("b_id").alias("b"),
                         F.lit("duplicate").alias("level"),
                         F.col("jaccard").cast("double").alias("jaccard"),
                         F.col("containment").cast("double").alias("containment"),
                         (F.col("contained") == "1").alias("contained"),
                         F.col("a").alias("a_doc"), F.col("b").alias("b_doc")))
        pairs.orderBy("a_doc", "b_doc").write.parquet(self.out + "/pairs")
        c = self.spark.read.parquet(self.out + "/documents").groupBy().agg(
            F.count(F.lit(1)).alias("read"),
            F.sum(F.when(F.col("status") == "ok", 1).otherwise(0)).alias("ok"),
            F.sum(F.when(F.col("status") == "empty", 1).otherwise(0)).alias("empty"),
            F.sum(F.when(F.col("status") == "rejected", 1).otherwise(0)).alias("rejected"),
            F.sum(F.when(F.col("duplicate_of").isNotNull(), 1).otherwise(0)).alias("duplicates"),
        ).collect()[0].asDict()
        self.counts.update({k: int(v or 0) for k, v in c.items()})
        self.counts["kept"] = self.counts["ok"] - self.counts["duplicates"]

    def write_kept(self, raw, signed, numbered):
        """OUT/kept/: the original line of every kept record, read again
        (the same read gives the same positions), in input order across the
        part files: their concatenation is what `dedup -o` writes."""
        docs = self.spark.read.parquet(self.out + "/documents")
        drop = docs.filter((F.col("status") != "ok") | F.col("duplicate_of").isNotNull()) \
            .select("doc")
        # Blank lines are no records, and no output either.
        blank = numbered(signed.filter(F.col("status") == "blank")
                         .select("ord", "mono", "status"), blank=True).select("doc")
        drop = drop.unionByName(blank)
        if self.counts["read"] - self.counts["kept"] <= self.args.broadcast_limit:
            drop = F.broadcast(drop)
        lines = numbered(raw.select("ord", "mono", F.lit("line").alias("status"), "value"))
        kept = lines.join(drop, "doc", "left_anti")
        kept = (kept.repartitionByRange(self.partitions, "doc") if self.partitions
                else kept.repartitionByRange("doc")).sortWithinPartitions("doc")
        kept.select("value").write.option("lineSep", "\n").text(self.out + "/kept")

    def shuffle_bytes(self):
        """Shuffle bytes written by the job's stages (from the Spark UI's
        REST API; None when the UI is off)."""
        sc = self.spark.sparkContext
        url = sc.uiWebUrl
        if not url:
            return None
        try:
            with urllib.request.urlopen(
                    f"{url}/api/v1/applications/{sc.applicationId}/stages?status=complete",
                    timeout=30) as r:
                stages = json.load(r)
            return sum(s.get("shuffleWriteBytes", 0) for s in stages)
        except Exception:  # noqa: BLE001 - the figure is informative only
            return None


# The scheme's slashes: Hadoop writes file:/x for a relative path made
# absolute and file:///x for an absolute one; Spark's input_file_name the latter.
URI_SLASHES = "^([A-Za-z][A-Za-z0-9+.-]*):/+"


def plain_uri(uri):
    return re.sub(URI_SLASHES, r"\1:/", uri)


def input_kind(uri):
    name = uri.lower()
    for ext in (".gz", ".bz2"):
        if name.endswith(ext):
            name = name[: -len(ext)]
    if name.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return None


def run(spark, args, started):
    job = Job(spark, args)
    job.timings.append(("spark start", round(time.time() - started, 3)))
    fs = job.fs(job.out)
    if fs.exists(job.path(job.out)):
        raise JobError(f"{job.out}: already exists (the job writes a new folder)")
    spark.sparkContext.setCheckpointDir(job.work + "/checkpoints")
    params = job.params = job.stage("parameters", job.parameters)
    files = job.stage("list inputs", job.list_inputs)
    if args.write_kept and any(kind != "jsonl" for _, _, kind in files):
        raise JobError("--write-kept copies lines of JSONL inputs; for Parquet inputs join "
                       "OUTPUT/documents (file, line = row) with your data, or run neardup apply")
    raw, ords = job.read(files)
    signed = job.stage("sign", lambda: job.sign(raw, params))
    numbered = job.stage("number", lambda: job.number(signed, ords))
    meta = job.stage("ids", lambda: job.name_records(numbered(signed.select(
        "ord", "mono", "status", "reason", "id", "outlet", "date"))))
    sigs = numbered(signed.filter(F.col("status") == "ok").select(
        "ord", "mono", "status", "sig", "fine", "shingles", "bands", "params", "date", "chars"))
    cands = job.candidates(sigs)
    verified = job.stage("candidates + verify", lambda: job.verify(sigs, cands))
    comps = job.stage("components", lambda: job.components(verified))
    kept = job.stage("clusters", lambda: job.clusters(sigs, verified, comps))
    job.stage("write", lambda: job.write(meta, verified, kept))
    if args.write_kept:
        job.stage("write kept", lambda: job.write_kept(job.read(files)[0], signed, numbered))
    summary = {
        "counts": job.counts,
        "parameters": {"hash": params, "options": passed_options(args),
                       "on_error": args.on_error},
        "inputs": [name for _, name, _ in files],
        "timings": dict(job.timings),
        "shuffle_write_bytes": job.shuffle_bytes(),
        "spark": spark.version,
    }
    if not args.keep_work:
        fs.delete(job.path(job.work), True)
    job.write_text(job.out + "/summary.json", json.dumps(summary, indent=2) + "\n")
    c = job.counts
    print(f"neardup_spark: read {c['read']} = kept {c['kept']} + duplicates {c['duplicates']} "
          f"+ empty {c['empty']} + rejected {c['rejected']}; wrote {job.out}", file=sys.stderr)


def main(argv=None):
    started = time.time()
    args = parse_args(sys.argv[1:] if argv is None else argv)
    spark = SparkSession.builder.appName("neardup").getOrCreate()
    try:
        run(spark, args, started)
    except JobError as e:
        print(f"neardup_spark: {e}", file=sys.stderr)
        spark.stop()
        sys.exit(1)
    spark.stop()


if __name__ == "__main__":
    main()
