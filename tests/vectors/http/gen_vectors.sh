#!/bin/sh
# Regenerates the compression fixtures and expected.sha256 in this directory
# from the captured DirPort responses (*.http), with independent tools only:
# Python's zlib and lzma modules, and the gzip, xz and zstd programs.
set -eu
cd "$(dirname "$0")"
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Bodies of the captured responses (after the blank line).
for f in *.http; do
  $py -c 'import sys; d=open(sys.argv[1],"rb").read(); sys.stdout.buffer.write(d.split(b"\r\n\r\n",1)[1])' "$f" > "$tmp/${f%.http}.body"
done

# Reference decompressions, each with a tool that is not ours.
$py -c 'import sys,zlib; sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1],"rb").read()))' "$tmp/consensus-microdesc.deflate.body" > "$tmp/cm.from-deflate"
$py -c 'import sys,lzma; sys.stdout.buffer.write(lzma.decompress(open(sys.argv[1],"rb").read(), format=lzma.FORMAT_ALONE))' "$tmp/consensus-microdesc.lzma.body" > "$tmp/cm.from-lzma"
zstd -q -dc "$tmp/consensus-microdesc.zstd.body" > "$tmp/cm.from-zstd"
$py -c 'import sys,zlib; sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1],"rb").read()))' "$tmp/server-all.deflate.body" > "$tmp/sa.from-deflate"
$py -c 'import sys,zlib; sys.stdout.buffer.write(zlib.decompress(open(sys.argv[1],"rb").read()))' "$tmp/keys-all.deflate.body" > "$tmp/ka.from-deflate"
zstd -q -dc "$tmp/keys-all.zstd.body" > "$tmp/ka.from-zstd"
cmp "$tmp/cm.from-deflate" "$tmp/consensus-microdesc.identity.body"
cmp "$tmp/cm.from-lzma" "$tmp/consensus-microdesc.identity.body"
cmp "$tmp/cm.from-zstd" "$tmp/consensus-microdesc.identity.body"
cmp "$tmp/ka.from-deflate" "$tmp/keys-all.identity.body"
cmp "$tmp/ka.from-zstd" "$tmp/keys-all.identity.body"

# gzip: tor does not serve it, so the gzip tool makes it.
cp "$tmp/consensus-microdesc.identity.body" "$tmp/cm"
gzip -9nc "$tmp/cm" > consensus-microdesc.body.gz
# Concatenated streams (dir-spec 6.1), two different documents.
gzip -nc "$tmp/cm" > concat.gz
gzip -nc "$tmp/ka.from-deflate" >> concat.gz
$py -c 'import sys,zlib; a=open(sys.argv[1],"rb").read(); b=open(sys.argv[2],"rb").read(); sys.stdout.buffer.write(zlib.compress(a)+zlib.compress(b))' "$tmp/cm" "$tmp/ka.from-deflate" > concat.deflate
zstd -q -c "$tmp/cm" > concat.zst
zstd -q -c "$tmp/ka.from-deflate" >> concat.zst
xz --format=lzma -c "$tmp/cm" > concat.lzma
xz --format=lzma -c "$tmp/ka.from-deflate" >> concat.lzma
cat "$tmp/cm" "$tmp/ka.from-deflate" > "$tmp/concat.ref"
$py -c 'import sys,zlib; assert zlib.decompressobj(31).decompress(open("concat.gz","rb").read())'

# Compression bombs: 8 MiB of zeros (ratio far above 25).
head -c 8388608 /dev/zero > "$tmp/zeros"
$py -c 'import sys,zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1],"rb").read(), 9))' "$tmp/zeros" > bomb.deflate
gzip -9nc "$tmp/zeros" > bomb.gz
zstd -q -19 -c "$tmp/zeros" > bomb.zst
xz --format=lzma -c "$tmp/zeros" > bomb.lzma

{
  echo "# sha256sum of reference decompressions (see README.md)"
  (cd "$tmp" && sha256sum cm.from-deflate cm.from-lzma cm.from-zstd \
     sa.from-deflate ka.from-deflate ka.from-zstd concat.ref zeros)
} > expected.sha256
