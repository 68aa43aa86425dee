// The generated binding's Pax Exam test must have booted the distribution and passed: a build that skipped it
// (no distribution given, or a goal before integration-test) leaves no report and fails here.
// basedir is this test project's folder; the archetype generated the binding under project/ARTIFACTID.
def report = new File(basedir, 'project/example-binding-widget/target/failsafe-reports/'
        + 'TEST-com.example.trusthub.binding.widget.it.WidgetFeatureIT.xml')
if (!report.isFile()) {
    throw new AssertionError("the generated Pax Exam test did not run: no " + report)
}
def suite = (report.text =~ /<testsuite\b[^>]*>/)[0]
def count = { name -> Integer.parseInt((suite =~ /\b${name}="(\d+)"/)[0][1]) }
if (count('tests') < 1 || count('failures') != 0 || count('errors') != 0 || count('skipped') != 0) {
    throw new AssertionError("the generated Pax Exam test did not pass: " + suite)
}
return true
