using System;

namespace Corgi.NN;

/// <summary>
/// An activation function applied to a layer's output (the seed's <c>activation::relu()</c> and kin):
/// a named, differentiable tensor function. Build your own with <see cref="Activation(string, Func{Tensor, Tensor})"/>.
/// </summary>
/// <example>
/// <code>
/// var relu = Activation.Relu();
/// var swish = new Activation("swish", x =&gt; x * x.Sigmoid());
/// var layer = new Dense(4, 8, Initializer.He(seed: 1), swish);
/// </code>
/// </example>
public sealed class Activation
{
    private readonly Func<Tensor, Tensor> _function;

    /// <summary>Wraps a tensor function as an activation.</summary>
    /// <param name="name">A name for printing.</param>
    /// <param name="function">The function; it must be built from differentiable tensor operations.</param>
    public Activation(string name, Func<Tensor, Tensor> function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        Name = name;
        _function = function;
    }

    /// <summary>The activation's name.</summary>
    public string Name { get; }

    /// <summary>Applies the activation.</summary>
    public Tensor Apply(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return _function(input);
    }

    /// <summary>The activation as a plain function.</summary>
    public Func<Tensor, Tensor> Function => _function;

    /// <summary>max(x, 0).</summary>
    /// <remarks>
    /// Always the same instance, which layers recognise: <see cref="Conv"/> then fuses the rectifier into its
    /// convolution (<see cref="Tensor.Conv2dRelu(Tensor, Tensor?, int, int)"/>). An activation built by hand
    /// from <see cref="Tensor.Relu"/> gives the same values, unfused.
    /// </remarks>
    public static Activation Relu() => s_relu;

    private static readonly Activation s_relu = new("relu", static x => x.Relu());

    /// <summary>True for the activation returned by <see cref="Relu"/>, which layers may fuse with their own op.</summary>
    internal bool IsRelu => ReferenceEquals(this, s_relu);

    /// <summary>x for x &gt; 0, else slope * x.</summary>
    public static Activation LeakyRelu(double slope = 0.01) => new($"leaky_relu({slope})", x => x.LeakyRelu(slope));

    /// <summary>The logistic function 1 / (1 + e^-x).</summary>
    public static Activation Sigmoid() => new("sigmoid", static x => x.Sigmoid());

    /// <summary>The hyperbolic tangent.</summary>
    public static Activation Tanh() => new("tanh", static x => x.Tanh());

    /// <summary>GELU, x Φ(x); with <paramref name="approximateTanh"/> PyTorch's tanh approximation.</summary>
    public static Activation Gelu(bool approximateTanh = false) =>
        approximateTanh ? new("gelu_tanh", static x => x.Gelu(true)) : new("gelu", static x => x.Gelu());

    /// <summary>SiLU (swish), x sigmoid(x).</summary>
    public static Activation Silu() => new("silu", static x => x.Silu());

    /// <summary>Softplus log(1 + e^(beta x)) / beta, linear where beta x &gt; threshold.</summary>
    public static Activation Softplus(double beta = 1, double threshold = 20) =>
        new($"softplus({beta}, {threshold})", x => x.Softplus(beta, threshold));

    /// <summary>ELU: x for x &gt; 0, else alpha (e^x - 1).</summary>
    public static Activation Elu(double alpha = 1) => new($"elu({alpha})", x => x.Elu(alpha));

    /// <summary>SELU with PyTorch's constants.</summary>
    public static Activation Selu() => new("selu", static x => x.Selu());

    /// <summary>CELU: x for x &gt; 0, else alpha (e^(x/alpha) - 1).</summary>
    public static Activation Celu(double alpha = 1) => new($"celu({alpha})", x => x.Celu(alpha));

    /// <summary>Mish, x tanh(softplus(x)).</summary>
    public static Activation Mish() => new("mish", static x => x.Mish());

    /// <summary>Hardtanh: x clamped to [min, max].</summary>
    public static Activation Hardtanh(double min = -1, double max = 1) => new($"hardtanh({min}, {max})", x => x.Hardtanh(min, max));

    /// <summary>ReLU6, min(max(x, 0), 6).</summary>
    public static Activation Relu6() => new("relu6", static x => x.Relu6());

    /// <summary>Hardsigmoid, relu6(x + 3) / 6.</summary>
    public static Activation Hardsigmoid() => new("hardsigmoid", static x => x.Hardsigmoid());

    /// <summary>Hardswish, x relu6(x + 3) / 6.</summary>
    public static Activation Hardswish() => new("hardswish", static x => x.Hardswish());

    /// <summary>log(sigmoid(x)), computed stably.</summary>
    public static Activation LogSigmoid() => new("log_sigmoid", static x => x.LogSigmoid());

    /// <summary>Softsign, x / (1 + |x|).</summary>
    public static Activation Softsign() => new("softsign", static x => x.Softsign());

    /// <summary>Softmax along a dimension (default the last: the classes of a [batch, classes] output).</summary>
    public static Activation Softmax(int dim = -1) => new("softmax", x => x.Softmax(dim));

    /// <summary>Log-softmax along a dimension (default the last).</summary>
    public static Activation LogSoftmax(int dim = -1) => new("log_softmax", x => x.LogSoftmax(dim));

    /// <summary>The identity (no activation).</summary>
    public static Activation Identity() => new("identity", static x => x);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
