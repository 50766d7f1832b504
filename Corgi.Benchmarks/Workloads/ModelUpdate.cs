using System;
using Corgi.NN;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// The parameter update of the NN-toolkit workloads (W1-dense, W4): <see cref="Model.Update"/>, in either dtype
/// (the optimizers have one generic update rule for float32 and float64).
/// </summary>
internal static class ModelUpdate
{
    /// <summary>
    /// Runs one <paramref name="forwardBackward"/> and <see cref="Model.Update"/> (a warm-up step that also checks
    /// the update runs); returns the update to time, with <paramref name="how"/> empty (a note suffix for the row).
    /// <paramref name="learningRate"/> is the workload's, already in the model's optimizer.
    /// </summary>
    public static Action Choose(Model model, double learningRate, Action forwardBackward, out string how)
    {
        // one step to check the update runs (the optimizers serve both dtypes: no fallback is needed)
        forwardBackward();
        model.Update();
        how = "";
        return model.Update;
    }
}
