namespace StreamingCL.Client;

/// <summary>A model version the router refused to serve, and why; the last good version keeps serving.</summary>
/// <param name="modelName">Model of the refused version.</param>
/// <param name="version">Refused version.</param>
/// <param name="artifactSha256">SHA-256 the version's record declares.</param>
/// <param name="reason">Why it was refused.</param>
public sealed class ModelRejectedEventArgs(string modelName, int version, string artifactSha256, string reason) : EventArgs
{
    /// <summary>Model of the refused version.</summary>
    public string ModelName => modelName;

    /// <summary>Refused version.</summary>
    public int Version => version;

    /// <summary>SHA-256 the version's record declares.</summary>
    public string ArtifactSha256 => artifactSha256;

    /// <summary>Why it was refused (a SHA-256 mismatch, an artifact that is not a StreamingCL model, ...).</summary>
    public string Reason => reason;
}
