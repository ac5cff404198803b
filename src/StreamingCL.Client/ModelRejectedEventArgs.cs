namespace StreamingCL.Client;

/// <summary>A model version the router refused to serve, and why; the last good version keeps serving.</summary>
public sealed class ModelRejectedEventArgs : EventArgs
{
    /// <summary>Creates the event's data.</summary>
    public ModelRejectedEventArgs(string modelName, int version, string artifactSha256, string reason)
    {
        ModelName = modelName;
        Version = version;
        ArtifactSha256 = artifactSha256;
        Reason = reason;
    }

    /// <summary>Model of the refused version.</summary>
    public string ModelName { get; }

    /// <summary>Refused version.</summary>
    public int Version { get; }

    /// <summary>SHA-256 the version's record declares.</summary>
    public string ArtifactSha256 { get; }

    /// <summary>Why it was refused (a SHA-256 mismatch, an artifact that is not a StreamingCL model, ...).</summary>
    public string Reason { get; }
}
