using System;
using System.Collections.Generic;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.Reliability;

/// <summary>
/// Every activation and cost at the extremes (±1e3, ±1e300, ±inf, NaN, and 0), against PyTorch 1.13 (float64):
/// finite where PyTorch is finite (to 1e-12 relative), inf where it is inf, NaN where it is NaN. The expected rows
/// were printed by PyTorch itself (torch.nn.functional on a float64 tensor of each input), an oracle independent
/// of this library; the sign of a zero is not compared.
/// </summary>
public class ExtremeValueTests
{
    private static readonly double[] Inputs = { 1e3, -1e3, 1e300, -1e300, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.0 };

    /// <summary>(name, function, PyTorch's value at each of <see cref="Inputs"/>).</summary>
    public static IEnumerable<object[]> Rows()
    {
        yield return new object[] { "Relu", (Func<Tensor, Tensor>)(x => x.Relu()), new[] { 1000.0, 0.0, 1e+300, 0.0, double.PositiveInfinity, 0.0, double.NaN, 0.0 } };
        yield return new object[] { "Sigmoid", (Func<Tensor, Tensor>)(x => x.Sigmoid()), new[] { 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, double.NaN, 0.5 } };
        yield return new object[] { "Tanh", (Func<Tensor, Tensor>)(x => x.Tanh()), new[] { 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, double.NaN, 0.0 } };
        yield return new object[] { "LeakyRelu", (Func<Tensor, Tensor>)(x => x.LeakyRelu(0.01)), new[] { 1000.0, -10.0, 1e+300, -1.0000000000000001e+298, double.PositiveInfinity, double.NegativeInfinity, double.NaN, 0.0 } };
        yield return new object[] { "Gelu", (Func<Tensor, Tensor>)(x => x.Gelu()), new[] { 1000.0, -0.0, 1e+300, -0.0, double.PositiveInfinity, double.NaN, double.NaN, 0.0 } };
        yield return new object[] { "GeluTanh", (Func<Tensor, Tensor>)(x => x.Gelu(approximateTanh: true)), new[] { 1000.0, -0.0, 1e+300, -0.0, double.PositiveInfinity, double.NaN, double.NaN, 0.0 } };
        yield return new object[] { "Silu", (Func<Tensor, Tensor>)(x => x.Silu()), new[] { 1000.0, -0.0, 1e+300, -0.0, double.PositiveInfinity, double.NaN, double.NaN, 0.0 } };
        yield return new object[] { "Softplus", (Func<Tensor, Tensor>)(x => x.Softplus()), new[] { 1000.0, 0.0, 1e+300, 0.0, double.PositiveInfinity, 0.0, double.NaN, 0.6931471805599453 } };
        yield return new object[] { "Elu", (Func<Tensor, Tensor>)(x => x.Elu()), new[] { 1000.0, -1.0, 1e+300, -1.0, double.PositiveInfinity, -1.0, double.NaN, 0.0 } };
        yield return new object[] { "Selu", (Func<Tensor, Tensor>)(x => x.Selu()), new[] { 1050.7009873554805, -1.7580993408473766, 1.0507009873554805e+300, -1.7580993408473766, double.PositiveInfinity, -1.7580993408473766, double.NaN, 0.0 } };
        yield return new object[] { "Celu", (Func<Tensor, Tensor>)(x => x.Celu()), new[] { 1000.0, -1.0, 1e+300, -1.0, double.PositiveInfinity, -1.0, double.NaN, 0.0 } };
        yield return new object[] { "Mish", (Func<Tensor, Tensor>)(x => x.Mish()), new[] { 1000.0, -0.0, 1e+300, -0.0, double.PositiveInfinity, double.NaN, double.NaN, 0.0 } };
        yield return new object[] { "Hardtanh", (Func<Tensor, Tensor>)(x => x.Hardtanh()), new[] { 1.0, -1.0, 1.0, -1.0, 1.0, -1.0, double.NaN, 0.0 } };
        yield return new object[] { "Relu6", (Func<Tensor, Tensor>)(x => x.Relu6()), new[] { 6.0, 0.0, 6.0, 0.0, 6.0, 0.0, double.NaN, 0.0 } };
        yield return new object[] { "Hardsigmoid", (Func<Tensor, Tensor>)(x => x.Hardsigmoid()), new[] { 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, double.NaN, 0.5 } };
        yield return new object[] { "Hardswish", (Func<Tensor, Tensor>)(x => x.Hardswish()), new[] { 1000.0, -0.0, 1e+300, -0.0, double.PositiveInfinity, double.NaN, double.NaN, 0.0 } };
        yield return new object[] { "LogSigmoid", (Func<Tensor, Tensor>)(x => x.LogSigmoid()), new[] { 0.0, -1000.0, 0.0, -1e+300, 0.0, double.NegativeInfinity, double.NaN, -0.6931471805599453 } };
        yield return new object[] { "Softsign", (Func<Tensor, Tensor>)(x => x.Softsign()), new[] { 0.999000999000999, -0.999000999000999, 1.0, -1.0, double.NaN, double.NaN, double.NaN, 0.0 } };
        yield return new object[] { "Exp", (Func<Tensor, Tensor>)(x => x.Exp()), new[] { double.PositiveInfinity, 0.0, double.PositiveInfinity, 0.0, double.PositiveInfinity, 0.0, double.NaN, 1.0 } };
        yield return new object[] { "Softmax2", (Func<Tensor, Tensor>)(x => Tensor.Stack(new[] { x, Tensor.ZerosLike(x) }, -1).Softmax(-1).Narrow(-1, 0, 1).Reshape(-1)), new[] { 1.0, 0.0, 1.0, 0.0, double.NaN, 0.0, double.NaN, 0.5 } };
        yield return new object[] { "LogSoftmax2", (Func<Tensor, Tensor>)(x => Tensor.Stack(new[] { x, Tensor.ZerosLike(x) }, -1).LogSoftmax(-1).Narrow(-1, 0, 1).Reshape(-1)), new[] { 0.0, -1000.0, 0.0, -1e+300, double.NaN, double.NegativeInfinity, double.NaN, -0.6931471805599453 } };
        yield return new object[] { "Mse", (Func<Tensor, Tensor>)(x => Cost.Mse().Compute(x, Tensor.ZerosLike(x))), new[] { 1000000.0, 1000000.0, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.NaN, 0.0 } };
        yield return new object[] { "BceWithLogitsT0", (Func<Tensor, Tensor>)(x => Cost.BinaryCrossEntropyWithLogits().Compute(x, Tensor.ZerosLike(x))), new[] { 1000.0, 0.0, 1e+300, 0.0, double.PositiveInfinity, double.NaN, double.NaN, 0.6931471805599453 } };
        yield return new object[] { "BceWithLogitsT1", (Func<Tensor, Tensor>)(x => Cost.BinaryCrossEntropyWithLogits().Compute(x, Tensor.OnesLike(x))), new[] { 0.0, 1000.0, 0.0, 1e+300, double.NaN, double.NaN, double.NaN, 0.6931471805599453 } };
        yield return new object[] { "SoftmaxCrossEntropy", (Func<Tensor, Tensor>)(x => Cost.SoftmaxCrossEntropy().Compute(Tensor.Stack(new[] { x, Tensor.ZerosLike(x) }, -1).Reshape(1, 2), Tensor.Of(1.0))), new[] { 1000.0, 0.0, 1e+300, 0.0, double.NaN, 0.0, double.NaN, 0.6931471805599453 } };
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void AtTheExtremes_AsPyTorch(string name, Func<Tensor, Tensor> f, double[] expected)
    {
        for (int i = 0; i < Inputs.Length; i++)
        {
            double got = f(Tensor.Of(Inputs[i])).ToArray()[0], want = expected[i];
            bool ok = double.IsNaN(want) ? double.IsNaN(got)
                : double.IsInfinity(want) ? got == want
                : Math.Abs(got - want) <= 1e-12 * Math.Max(1, Math.Abs(want));
            Assert.True(ok, $"{name}({Inputs[i]:R}): PyTorch gives {want:R}, Corgi {got:R}");
        }
    }
}
