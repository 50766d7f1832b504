using System;
using Corgi.NN;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// The parameter update of the NN-toolkit workloads (W1-dense, W4): <see cref="Model.Update"/> when the model's
/// optimizer takes the parameters' dtype, otherwise the same plain SGD step written with
/// <see cref="Tensor.Axpy"/> (what W1 does), so a float32 row is still measured while the optimizers are
/// float64-only (their float32 support comes with the NN toolkit's dtype work).
/// </summary>
internal static class ModelUpdate
{
    /// <summary>
    /// Runs one <paramref name="forwardBackward"/> and tries <see cref="Model.Update"/>; returns the update to
    /// time and says in <paramref name="how"/> which one it is ("" for Model.Update).
    /// </summary>
    public static Action Choose(Model model, double learningRate, Action forwardBackward, out string how)
    {
        forwardBackward();
        try
        {
            model.Update();
            how = "";
            return model.Update;
        }
        catch (InvalidOperationException)
        {
            how = "; update by Tensor.Axpy (this build's optimizers are float64-only)";
            foreach (var p in model.Parameters) p.Value.ClearGradient();
            return () =>
            {
                using (Tensor.NoGrad())
                    foreach (var p in model.Parameters)
                        if (p.Value.TakeGradient() is { } g) p.Value = Tensor.Axpy(-learningRate, g, p.Value).Tracked();
            };
        }
    }
}
