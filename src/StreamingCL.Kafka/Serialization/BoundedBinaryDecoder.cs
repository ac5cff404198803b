using Avro;
using Avro.IO;

namespace StreamingCL.Kafka.Serialization;

/// <summary>
/// Avro's binary decoder over an in-memory record, refusing any length or item count larger than
/// the bytes left. Avro's own decoder allocates a declared length before reading it, so one
/// corrupt varint could make a worker allocate gigabytes; here it is a decode error instead.
/// </summary>
internal sealed class BoundedBinaryDecoder(MemoryStream stream) : Decoder
{
    private readonly BinaryDecoder _inner = new(stream);

    public long Remaining => stream.Length - stream.Position;

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadBytes());

    public byte[] ReadBytes()
    {
        var bytes = new byte[Require(_inner.ReadLong())];
        stream.ReadExactly(bytes);
        return bytes;
    }

    public void SkipString() => SkipBytes();

    public void SkipBytes() => stream.Seek(Require(_inner.ReadLong()), SeekOrigin.Current);

    // Every array item and map entry of our schemas takes at least one byte.
    public long ReadArrayStart() => Require(_inner.ReadArrayStart());

    public long ReadArrayNext() => Require(_inner.ReadArrayNext());

    public long ReadMapStart() => Require(_inner.ReadMapStart());

    public long ReadMapNext() => Require(_inner.ReadMapNext());

    public void ReadNull() => _inner.ReadNull();

    public bool ReadBoolean() => _inner.ReadBoolean();

    public int ReadInt() => _inner.ReadInt();

    public long ReadLong() => _inner.ReadLong();

    public float ReadFloat() => _inner.ReadFloat();

    public double ReadDouble() => _inner.ReadDouble();

    public int ReadEnum() => _inner.ReadEnum();

    public int ReadUnionIndex() => _inner.ReadUnionIndex();

    public void ReadFixed(byte[] buffer) => _inner.ReadFixed(buffer);

    public void ReadFixed(byte[] buffer, int start, int length) => _inner.ReadFixed(buffer, start, length);

    public void SkipNull() => _inner.SkipNull();

    public void SkipBoolean() => _inner.SkipBoolean();

    public void SkipInt() => _inner.SkipInt();

    public void SkipLong() => _inner.SkipLong();

    public void SkipFloat() => _inner.SkipFloat();

    public void SkipDouble() => _inner.SkipDouble();

    public void SkipEnum() => _inner.SkipEnum();

    public void SkipUnionIndex() => _inner.SkipUnionIndex();

    public void SkipFixed(int length) => _inner.SkipFixed(length);

    private int Require(long length) =>
        length >= 0 && length <= Remaining
            ? (int)length
            : throw new AvroException($"Declared length {length} exceeds the {Remaining} bytes left.");
}
