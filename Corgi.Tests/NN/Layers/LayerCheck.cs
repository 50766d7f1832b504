using System;
using System.Linq;
using Corgi.NN;
using Corgi.Verification;
using Xunit;

namespace Corgi.Tests.NN.Layers;

/// <summary>The model-level finite-difference check of a layer: its input and every parameter at once.</summary>
internal static class LayerCheck
{
    /// <summary>
    /// Checks d/d(input, parameters) of sum(layer(input) ⊙ w) for a fixed random w against central differences
    /// (a float32 layer against its float64 twin). The parameters are put back afterwards.
    /// </summary>
    public static void Gradients(ILayer layer, Tensor input, Func<Tensor, Tensor>? output = null, int seed = 7, bool checkInput = true)
    {
        output ??= static t => t;
        var ps = layer.Parameters.ToArray();
        var saved = ps.Select(p => p.Value).ToArray();
        Tensor probe;
        using (Tensor.NoGrad()) probe = output(layer.Forward(input));
        var w = Tensor.RandomNormal(probe.Shape, seed);
        try
        {
            // indices (an embedding's input) are not differentiable: then only the parameters are checked
            int k = checkInput ? 1 : 0;
            var inputs = (checkInput ? new[] { input } : Array.Empty<Tensor>()).Concat(saved).ToArray();
            var report = GradientChecker.Check(xs =>
            {
                for (int i = 0; i < ps.Length; i++) ps[i].Value = xs[i + k];
                var y = output(layer.Forward(checkInput ? xs[0] : input));
                return (y * w.To(y.DType)).Sum();
            }, inputs);
            Assert.True(report.Passed, $"{layer}: {report.Summary}");
        }
        finally
        {
            for (int i = 0; i < ps.Length; i++) ps[i].Value = saved[i];
        }
    }

    /// <summary>Sets every parameter of the layer to deterministic non-trivial values in its dtype.</summary>
    public static void Randomize(ILayer layer, int seed, double scale = 0.5)
    {
        var random = new Random(seed);
        foreach (var p in layer.Parameters)
            p.Value = Tensor.RandomUniform(p.Shape, random, -scale, scale, p.Value.DType);
    }
}
