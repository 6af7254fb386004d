namespace Myelin.Inference;

/// <summary>Where an <see cref="InferenceModel"/> reads its weight matrices from.</summary>
public enum WeightPlacement
{
    /// <summary>
    /// Copied at load into memory of the process (advised as transparent huge pages on Linux), as llama.cpp does with
    /// <c>--no-mmap</c>: loading reads the file once, and decode streams the weights faster (on the 2-core Zen 5 VM,
    /// the mat-vecs of a 1.1B Q8_0/Q4_0 decode step ran 1.05x (Q8_0) to 1.08x (Q4_0) faster than from the mapping).
    /// The memory is the model's size and cannot be paged out.
    /// </summary>
    Resident,

    /// <summary>
    /// Read in place from the memory-mapped file: loading is immediate and the operating system pages the weights in
    /// and out (models larger than free memory still run, slowly; processes opening the same file share its pages),
    /// but decode streams them through 4 KiB pages.
    /// </summary>
    Mapped,
}
